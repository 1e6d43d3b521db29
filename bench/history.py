"""QUALITY 15: the history page and the year's charts for a user with years
of data, and their query counts against a user with a handful of check-ins."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from bench.sections import p50_ms, section, timed

if TYPE_CHECKING:
    from bench.run import Report, Sizes

HX = {"HX-Request": "true"}


@section("history")
def history_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.generate import fill_history, make_library, make_user, settle
    from journal import calendar_chart, charts
    from journal.insights import figures, results
    from journal.insights import queries as insight_queries
    from journal.models import CheckIn

    rng = random.Random(15)
    small = make_user("history-small@bench.example")
    fill_history(small, days=4, track_ids=make_library(small, 500, rng, "history"), rng=rng)
    big = make_user("history@bench.example")
    tracks = make_library(big, 500, rng, prefix="history")
    fill_history(big, days=sizes.history_days, track_ids=tracks, rng=rng)
    settle()
    big_count = CheckIn.objects.filter(user=big).count()
    small_count = CheckIn.objects.filter(user=small).count()

    def client(user: User) -> Client:
        browser = Client()
        browser.force_login(user)
        return browser

    small_client, big_client = client(small), client(big)

    def queries(browser: Client, url: str, headers: dict[str, str]) -> int:
        # Once first: SQLite probes its JSON support on a connection's first
        # JSON query (3 statements), which is not the page's own cost.
        browser.get(url, headers=headers)
        with CaptureQueriesContext(connection) as captured:
            browser.get(url, headers=headers)
        return len(captured)

    for label, url, headers, most in (
        ("timeline page (HTMX)", "/history/", HX, 6),
        ("full history page", "/history/", {}, None),
        ("insights page", "/history/insights/", {}, None),
    ):
        few, many = queries(small_client, url, headers), queries(big_client, url, headers)
        target = f"same as at {small_count} ({few})" + (f", ≤ {most}" if most else "")
        report.add(
            f"history {label}: queries at {big_count} check-ins",
            many,
            "queries",
            target,
            many == few and (most is None or many <= most),
        )

    samples = timed(lambda: big_client.get("/history/", headers=HX), sizes.samples)
    value = p50_ms(samples)
    report.add(
        f"history first page, {sizes.history_days} days, p50",
        value,
        "ms",
        "< 20 ms (QUALITY 15)",
        value < 20,
    )
    samples = timed(lambda: big_client.get("/history/"), sizes.samples)
    report.add(
        "history full page (calendar, filters, timeline), p50", p50_ms(samples), "ms", "", None
    )

    today = big.local_today()
    start = today - dt.timedelta(days=364)

    def year_of_charts() -> None:
        # What the history page's calendar and the insights page compute,
        # every period of the mood-over-time chart included.
        calendar_chart.calendar_months(figures.calendar_year(big, today.year), "/history/")
        earliest = min(start, figures.series_start(results.Period.MONTH, today))
        rows = insight_queries.mood_rows(big, earliest, today)
        links = insight_queries.song_links(big, start, today)
        heard = insight_queries.heard_links(big, start, today)
        days = figures.daily_moods(big, start, today, rows=rows)
        for period in results.Period:
            series = figures.mood_over_time(big, period, today, rows=rows)
            charts.mood_over_time_chart(series, "pleasantness")
            charts.mood_over_time_chart(series, "energy")
        weekdays = figures.weekday_pattern(big, start, today, rows=rows)
        charts.pattern_chart("w", "", weekdays, "weekday")
        times = figures.time_of_day_pattern(big, start, today, rows=rows)
        charts.pattern_chart("t", "", times, "time")
        charts.words_chart(insight_queries.word_frequencies(big, start, today))
        charts.tag_impact_chart(figures.tag_impact(big, start, today, days=days))
        figures.music_by_quadrant(big, start, today, links=links, heard=heard)
        figures.songs_that_lift(big, start, today, rows=rows, links=links, heard=heard)
        figures.listening_before_checkins(big, start, today, rows, heard)
        charts.listening_chart(figures.listening_vs_mood(big, start, today, days=days))

    value = p50_ms(timed(year_of_charts, max(3, sizes.samples // 5)))
    report.add(
        "calendar and every chart for a year, p50",
        value,
        "ms",
        "≤ 40 ms (QUALITY 15)",
        value <= 40,
    )
