"""Each insight checked against figures worked out by hand from small data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from journal import charts
from journal.insights import figures, queries
from journal.insights.results import Period
from mood.values import Quadrant
from tests.journal.history_data import bulk_checkins, checkin, listen, tag, track, word

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)  # Wednesday, noon in Berlin
TODAY = dt.date(2026, 4, 15)


def test_it_computes_daily_mean_and_range_with_empty_days_left_empty(alice: User) -> None:
    checkin(alice, "2026-04-13 08:00", 2, 1)
    checkin(alice, "2026-04-13 20:00", -2, 3)
    checkin(alice, "2026-04-14 09:00", 4, -1)
    series = figures.mood_over_time(alice, Period.DAY, TODAY)
    assert len(series.buckets) == 30
    assert series.start == dt.date(2026, 3, 17)
    points = dict(series.points)
    assert points[dt.date(2026, 4, 12)] is None  # a day with no check-ins
    monday = points[dt.date(2026, 4, 13)]
    assert monday is not None
    assert (monday.pleasantness, monday.energy) == (0.0, 2.0)
    assert (monday.min_pleasantness, monday.max_pleasantness) == (-2, 2)
    assert (monday.min_energy, monday.max_energy) == (1, 3)
    assert monday.count == 2
    assert monday.quadrant is Quadrant.NEUTRAL  # mean pleasantness exactly 0
    chart = charts.mood_over_time_chart(series, "pleasantness")
    assert chart.summary == (
        "Across the last 30 days (3 check-ins on 2 days), your pleasantness averaged +1.3, "
        "from −2.0 at its lowest to +4.0 at its highest. Highest average: Tue 14 Apr (+4.0); "
        "lowest: Mon 13 Apr (0.0)."
    )
    assert chart.svg.startswith('<svg class="chart line" role="img"')
    assert "<title id=" in chart.svg and "<desc id=" in chart.svg
    assert ("Mon 13 Apr", "0.0 (from −2.0 to +2.0, 2 check-ins)") in chart.rows
    energy = charts.mood_over_time_chart(series, "energy")
    assert "your energy averaged +1.0" in energy.summary


def test_it_groups_weeks_from_monday_and_months(alice: User) -> None:
    checkin(alice, "2026-04-05 22:00", -1, -1)  # Sunday: the week of 30 March
    checkin(alice, "2026-04-13 08:00", 2, 1)
    checkin(alice, "2026-04-13 20:00", -2, 3)
    checkin(alice, "2026-04-14 09:00", 4, -1)
    weeks = figures.mood_over_time(alice, Period.WEEK, TODAY)
    assert len(weeks.buckets) == 26 and weeks.buckets[-1] == dt.date(2026, 4, 13)
    assert weeks.moods[dt.date(2026, 3, 30)].pleasantness == -1.0
    this_week = weeks.moods[dt.date(2026, 4, 13)]
    assert round(this_week.pleasantness, 4) == round(4 / 3, 4) and this_week.count == 3
    months = figures.mood_over_time(alice, Period.MONTH, TODAY)
    assert months.buckets[0] == dt.date(2025, 5, 1) and months.buckets[-1] == dt.date(2026, 4, 1)
    april = months.moods[dt.date(2026, 4, 1)]
    assert (april.pleasantness, april.count, april.min_pleasantness) == (0.75, 4, -2)
    assert dt.date(2026, 3, 1) not in months.moods


def test_it_places_checkins_by_local_clock_across_the_dst_change(alice: User) -> None:
    # Berlin springs forward at 02:00 on Sunday 29 March 2026.
    checkin(alice, "2026-03-28 23:30", -2, 1)  # Saturday evening, 22:30 UTC
    checkin(alice, "2026-03-29 03:30", 3, -1)  # Sunday night, 01:30 UTC
    late = checkin(alice, "2026-03-29 23:30", 1, 1)  # Sunday evening, 21:30 UTC
    # Made while travelling: 07:00 in New York is 12:00 in Berlin.
    checkin(alice, "2026-03-10 07:00", 4, 4, zone="America/New_York")
    assert late.local_date == dt.date(2026, 3, 29)
    assert late.felt_at == dt.datetime(2026, 3, 29, 21, 30, tzinfo=dt.UTC)
    times = {b.label: b for b in figures.time_of_day_pattern(alice, None, None)}
    assert times["Night (midnight–6am)"].pleasantness == 3.0
    assert times["Morning (6am–noon)"].pleasantness == 4.0
    assert times["Morning (6am–noon)"].count == 1
    assert times["Afternoon (noon–6pm)"].count == 0
    assert times["Afternoon (noon–6pm)"].pleasantness is None
    evening = times["Evening (6pm–midnight)"]
    assert (evening.pleasantness, evening.energy, evening.count) == (-0.5, 1.0, 2)
    days = {b.label: b for b in figures.weekday_pattern(alice, None, None)}
    assert (days["Sunday"].pleasantness, days["Sunday"].count) == (2.0, 2)
    assert days["Saturday"].pleasantness == -2.0
    assert days["Tuesday"].pleasantness == 4.0
    assert days["Monday"].pleasantness is None and days["Monday"].count == 0
    year = figures.calendar_year(alice, 2026)
    march = year.months[2]
    assert dict(march.days)[dt.date(2026, 3, 29)].count == 2  # type: ignore[union-attr]
    assert dict(march.days)[dt.date(2026, 3, 30)] is None
    chart = charts.pattern_chart("t", "T", list(days.values()), "day of the week")
    assert chart.summary.startswith(
        "Your check-ins were most pleasant on average in the day of the week “Tuesday” "
        "(+4.0, 1 check-in) and least in “Saturday” (−2.0, 1 check-in)."
    )


def test_it_counts_the_most_used_words(alice: User, bob: User) -> None:
    calm = word(alice, "calm-ish", 2, -2)
    edgy = word(alice, "edgy", -2, 2)
    bright = word(None, "sparkly", 3, 3)
    checkin(alice, "2026-04-01 08:00", 1, 1, words=[calm, bright])
    checkin(alice, "2026-04-02 08:00", 1, 1, words=[calm, edgy])
    checkin(alice, "2026-04-03 08:00", 1, 1, words=[calm, bright])
    checkin(bob, "2026-04-03 08:00", 1, 1, words=[edgy, edgy.__class__.objects.get(pk=edgy.pk)])
    checkin(bob, "2026-04-04 08:00", 1, 1, words=[bright])
    found = queries.word_frequencies(alice, None, None)
    assert [(w.word, w.count, w.quadrant) for w in found] == [
        ("calm-ish", 3, Quadrant.GREEN),
        ("sparkly", 2, Quadrant.YELLOW),
        ("edgy", 1, Quadrant.RED),
    ]
    chart = charts.words_chart(found)
    assert (
        chart.summary
        == "Your most-picked words: calm-ish (3 times), sparkly (2 times), edgy (1 time)."
    )


def _tag_days(alice: User) -> tuple[object, object]:
    exercise = tag(alice, "exercise")
    therapy = tag(alice, "therapy")
    with_tag = [2, 3, 1, 2, 4, 0]
    without = [0, -1, 1, 0, -2, 2]
    for day, p in enumerate(with_tag, start=1):
        if day == 1:
            # Two check-ins, only one tagged: the day's mean (3 + 1) / 2 = 2 counts.
            checkin(alice, "2026-03-01 08:00", 3, 1, tags=[exercise])
            checkin(alice, "2026-03-01 20:00", 1, 1)
            continue
        tags = [exercise, therapy] if day in (2, 3) else [exercise]
        checkin(alice, f"2026-03-{day:02d} 08:00", p, -1, tags=tags)
    for day, p in enumerate(without, start=7):
        checkin(alice, f"2026-03-{day:02d} 08:00", p, 1)
    return exercise, therapy


def test_it_compares_days_with_and_without_a_tag_above_a_minimum_sample(alice: User) -> None:
    _tag_days(alice)
    report = figures.tag_impact(alice, None, None)
    assert report.total_days == 12
    [exercise] = report.shown
    assert (exercise.name, exercise.with_days, exercise.without_days) == ("exercise", 6, 6)
    assert (exercise.with_mean, exercise.without_mean) == (2.0, 0.0)
    [therapy] = report.too_few
    assert (therapy.name, therapy.with_days, therapy.without_days) == ("therapy", 2, 10)
    assert therapy.with_mean is None
    assert charts.tag_sentence(exercise) == (
        "On days you tagged “exercise” your mood averaged +2.0 (6 days) vs 0.0 without (6 days)."
    )
    chart = charts.tag_impact_chart(report)
    assert ("exercise: with it (6 days)", "+2.0") in chart.rows
    assert ("exercise: without it (6 days)", "0.0") in chart.rows
    assert "therapy" not in chart.svg
    # Raise the bar: nothing is shown, and the page says why.
    strict = figures.tag_impact(alice, None, None, min_days=7)
    assert strict.shown == []
    assert "nothing fair to compare yet" in charts.tag_impact_chart(strict).summary


def test_it_groups_songs_and_artists_by_the_quadrant_of_their_checkins(
    alice: User, bob: User
) -> None:
    a = track(alice, "Khruangbin", "Maria También")
    b = track(alice, "Khruangbin", "White Gloves")
    c = track(alice, "Portishead", "Roads")
    checkin(alice, "2026-04-01 08:00", 2, 2, tracks=[a])
    checkin(alice, "2026-04-02 08:00", 3, 1, tracks=[a, c])
    checkin(alice, "2026-04-03 08:00", 2, -2, tracks=[a])
    checkin(alice, "2026-04-04 08:00", -3, -3, tracks=[b, c])
    checkin(bob, "2026-04-04 08:00", 3, 3, tracks=[b, b.__class__.objects.get(pk=c.pk)])
    music = figures.music_by_quadrant(alice, None, None)
    assert music.links == 6
    assert [(t.name, t.count) for t in music.tracks[Quadrant.YELLOW]] == [
        ("Maria También", 2),
        ("Roads", 1),
    ]
    assert [(t.name, t.count) for t in music.tracks[Quadrant.GREEN]] == [("Maria También", 1)]
    assert [(t.name, t.count) for t in music.tracks[Quadrant.BLUE]] == [
        ("Roads", 1),
        ("White Gloves", 1),
    ]
    assert [(a.name, a.count) for a in music.artists[Quadrant.YELLOW]] == [
        ("Khruangbin", 2),
        ("Portishead", 1),
    ]
    assert [(a.name, a.count) for a in music.artists[Quadrant.BLUE]] == [
        ("Khruangbin", 1),
        ("Portishead", 1),
    ]
    assert Quadrant.RED not in music.tracks


def test_it_finds_songs_followed_by_a_better_checkin(alice: User) -> None:
    lift = track(alice, "Lizzo", "Good as Hell")
    flat = track(alice, "Low", "Words")
    rare = track(alice, "Rare", "Twice")
    # "Good as Hell": next check-in better 3 times, worse once → 3 of 4.
    for day in (1, 2, 3):
        checkin(alice, f"2026-03-{day:02d} 09:00", -1, 0, tracks=[lift])
        checkin(alice, f"2026-03-{day:02d} 18:00", 1, 0)
    checkin(alice, "2026-03-04 09:00", 0, 0, tracks=[lift])
    checkin(alice, "2026-03-04 18:00", -2, 0)
    # "Words": worse every time.
    for day in (5, 6, 7):
        checkin(alice, f"2026-03-{day:02d} 09:00", 2, 0, tracks=[flat])
        checkin(alice, f"2026-03-{day:02d} 18:00", 1, 0)
    # "Twice": better both times, but two is below the minimum sample.
    for day in (8, 9):
        checkin(alice, f"2026-03-{day:02d} 09:00", -3, 0, tracks=[rare])
        checkin(alice, f"2026-03-{day:02d} 18:00", 3, 0)
    # With "Good as Hell" again, but the next check-in is three days later: not counted.
    checkin(alice, "2026-03-10 09:00", -4, 0, tracks=[lift])
    checkin(alice, "2026-03-13 09:00", 4, 0)
    found = figures.songs_that_lift(alice, None, None)
    assert [(f.title, f.artist, f.better, f.followed) for f in found] == [
        ("Good as Hell", "Lizzo", 3, 4)
    ]


def test_it_relates_listening_minutes_to_day_mood(alice: User) -> None:
    song = track(alice, "Nils Frahm", "Says", duration_ms=8 * 60000)
    # 5 days without music (mood +1), 5 with 10 minutes (mood −1),
    # 5 with an hour (mood +2), 4 with three hours (too few days to show).
    plan = [(0, 1)] * 5 + [(10, -1)] * 5 + [(60, 2)] * 5 + [(180, 3)] * 4
    start = dt.date(2026, 2, 1)
    for index, (played, p) in enumerate(plan):
        day = start + dt.timedelta(days=index)
        checkin(alice, f"{day} 12:00", p, 1)
        if played:
            listen(alice, song, f"{day} 23:30", played)  # late evening: still that day
    # 00:30 local on 1 March belongs to 1 March, which has no check-in: ignored.
    listen(alice, song, "2026-03-01 00:30", 100)
    # A play without a duration counts the track length (8 minutes): day 20, < 30 min.
    extra = start + dt.timedelta(days=len(plan))
    checkin(alice, f"{extra} 12:00", -1, 1)
    listen(alice, song, f"{extra} 10:00", None)
    minutes = queries.listening_minutes(alice, start, dt.date(2026, 3, 1))
    assert minutes[dt.date(2026, 2, 6)] == 10.0
    assert minutes[extra] == 8.0
    assert minutes[dt.date(2026, 3, 1)] == 100.0
    buckets = figures.listening_vs_mood(alice, start, dt.date(2026, 3, 1))
    assert [(b.label, b.days, b.mean) for b in buckets] == [
        ("No listening", 5, 1.0),
        ("Under 30 minutes", 6, -1.0),
        ("30 minutes to 2 hours", 5, 2.0),
        ("Over 2 hours", 4, None),
    ]
    chart = charts.listening_chart(buckets)
    assert "under 30 minutes: −1.0 (6 days)" in chart.summary
    assert ("Over 2 hours", "4 days: too few to show") in chart.rows


@time_machine.travel(NOW, tick=False)
def test_it_remembers_what_you_felt_and_played_on_this_day(alice: User, bob: User) -> None:
    song = track(alice, "Björk", "Jóga")
    other = track(alice, "Björk", "Hunter")
    checkin(alice, "2025-04-15 19:00", 3, 1, tracks=[song], note="Spring evening")
    checkin(alice, "2024-04-15 08:00", -2, -2)
    checkin(alice, "2025-04-16 08:00", 1, 1)  # the day after: not shown
    checkin(bob, "2025-04-15 08:00", 1, 1)
    for minute in (0, 10, 20):
        listen(alice, song, f"2025-04-15 10:{minute:02d}", 4)
    listen(alice, other, "2025-04-15 23:30", 4)  # still that local day
    listen(alice, other, "2025-04-16 00:30", 4)  # the next day
    listen(alice, song, "2023-04-15 12:00", 4)  # listening only, no check-in
    found = queries.on_this_day(alice, TODAY)
    assert [(e.label, e.date, len(e.checkins), e.listens) for e in found] == [
        ("A year ago", dt.date(2025, 4, 15), 1, 4),
        ("2 years ago", dt.date(2024, 4, 15), 1, 0),
        ("3 years ago", dt.date(2023, 4, 15), 0, 1),
    ]
    year_ago = found[0]
    assert [(t.name, t.count) for t in year_ago.top_tracks] == [("Jóga", 3), ("Hunter", 1)]
    assert year_ago.checkins[0].excerpt == "Spring evening"  # type: ignore[attr-defined]
    assert queries.on_this_day(alice, dt.date(2026, 4, 17)) == []


def test_it_only_matches_29_february_in_leap_years() -> None:
    assert queries.earlier_same_days(dt.date(2028, 2, 29), years=8) == [
        dt.date(2024, 2, 29),
        dt.date(2020, 2, 29),
    ]


@time_machine.travel(NOW, tick=False)
def test_it_shows_insights_kindly_for_a_user_with_one_checkin(
    alice: User, alice_client: Client
) -> None:
    checkin(alice, "2026-04-14 21:00", 2, -1, tags=[tag(alice, "exercise")])
    html = alice_client.get("/history/insights/").content.decode()
    assert "(1 day with a check-in)" in html
    # Fewer than 14 days in the last 12 months: the default period is all time.
    assert "Patterns and insights: All time" in html
    assert (
        "Across all your check-ins (1 check-in on 1 day), your pleasantness averaged +2.0" in html
    )
    assert "So far all your check-ins fall in one day of the week: Tuesday" in html
    assert "nothing fair to compare yet" in html
    assert "exercise (1 day with, 0 without)" in html
    assert "No song yet has at least 3 check-ins" in html
    # No words or comparable tags yet: those charts show their sentence, no empty picture.
    assert html.count('role="img"') == 5
    assert html.count('class="chart-summary"') == 7


@time_machine.travel(NOW, tick=False)
def test_it_shows_every_insight_with_a_text_alternative(alice: User, alice_client: Client) -> None:
    _tag_days(alice)
    checkin(alice, "2026-04-14 21:00", 2, -1, tracks=[track(alice, "A", "B")])
    for period in ("day", "week", "month", "bogus"):
        response = alice_client.get(f"/history/insights/?period={period}")
        assert response.status_code == 200
    html = response.content.decode()
    svgs = html.count('<svg class="chart')
    assert svgs == html.count("<title id=") == html.count("<desc id=") == 6  # no words yet
    assert html.count('class="chart-summary"') == 7
    assert "On days you tagged “exercise” your mood averaged +2.0 (6 days) vs" in html
    assert re.search(r'<a href="/history/\?track=\d+">B</a> <span class="muted">by A</span>', html)


@time_machine.travel(NOW, tick=False)
def test_it_never_shows_another_users_insights(
    alice: User, bob: User, alice_client: Client
) -> None:
    checkin(
        bob, "2026-04-14 21:00", 2, -1, tags=[tag(bob, "secret-tag")], tracks=[track(bob, "X", "Y")]
    )
    html = alice_client.get("/history/insights/").content.decode()
    assert "secret-tag" not in html and "No check-ins yet." in html


# Session and user, the period's choices (years with data; first day and
# recent days), then: the check-ins' moods (shared by every mood figure), the
# songs attached to them and the songs heard around them (each shared by the
# music figures), words, tag days and listening minutes.
INSIGHTS_QUERIES = 10


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [10, 3000])
def test_it_runs_a_fixed_number_of_queries_per_chart(
    alice: User, alice_client: Client, django_assert_num_queries: object, count: int
) -> None:
    words = [word(alice, f"w{i}", 1, 1) for i in range(4)]
    tags = [tag(alice, f"t{i}") for i in range(3)]
    tracks = [track(alice, "Artist", f"Song {i}") for i in range(5)]
    bulk_checkins(alice, count, start=dt.date(2025, 12, 1), words=words, tags=tags, tracks=tracks)
    for song in tracks:
        listen(alice, song, "2026-01-02 10:00", 3)
    start, end = dt.date(2025, 4, 16), TODAY
    checks = [
        (1, lambda: figures.daily_moods(alice, start, end)),
        (1, lambda: figures.mood_over_time(alice, Period.DAY, end)),
        (1, lambda: figures.mood_over_time(alice, Period.WEEK, end)),
        (1, lambda: figures.mood_over_time(alice, Period.MONTH, end)),
        (2, lambda: figures.calendar_year(alice, 2026)),
        (1, lambda: figures.weekday_pattern(alice, start, end)),
        (1, lambda: figures.time_of_day_pattern(alice, start, end)),
        (1, lambda: queries.word_frequencies(alice, start, end)),
        (2, lambda: figures.tag_impact(alice, start, end)),
        (2, lambda: figures.music_by_quadrant(alice, start, end)),  # + songs heard around
        (3, lambda: figures.songs_that_lift(alice, start, end)),
        (2, lambda: figures.listening_vs_mood(alice, start, end)),
    ]
    for expected, figure in checks:
        with django_assert_num_queries(expected):  # type: ignore[operator]
            figure()
    # Given the shared rows and links, the figures ask the database nothing more.
    rows = queries.mood_rows(alice, figures.series_start(Period.MONTH, end), end)
    links = queries.song_links(alice, start, end)
    heard = queries.heard_links(alice, start, end)
    with django_assert_num_queries(0):  # type: ignore[operator]
        shared = [
            *(figures.mood_over_time(alice, period, end, rows=rows) for period in Period),
            figures.daily_moods(alice, start, end, rows=rows),
            figures.weekday_pattern(alice, start, end, rows=rows),
            figures.time_of_day_pattern(alice, start, end, rows=rows),
            figures.music_by_quadrant(alice, start, end, links=links, heard=heard),
            figures.songs_that_lift(alice, start, end, rows=rows, links=links, heard=heard),
        ]
    # ... and say the same as when each asks on its own.
    assert shared == [
        *(figures.mood_over_time(alice, period, end) for period in Period),
        figures.daily_moods(alice, start, end),
        figures.weekday_pattern(alice, start, end),
        figures.time_of_day_pattern(alice, start, end),
        figures.music_by_quadrant(alice, start, end),
        figures.songs_that_lift(alice, start, end),
    ]
    with django_assert_num_queries(INSIGHTS_QUERIES):  # type: ignore[operator]
        response = alice_client.get("/history/insights/?period=week")
    assert response.status_code == 200


def test_it_counts_listening_by_local_day_across_the_dst_change(alice: User) -> None:
    song = track(alice, "Nils Frahm", "Says")
    listen(alice, song, "2026-03-29 23:30", 20)  # 21:30 UTC, after clocks went forward
    listen(alice, song, "2026-03-30 00:10", 5)  # 22:10 UTC on the 29th, but the 30th here
    listen(alice, song, "2026-03-28 23:50", 7)  # 22:50 UTC, still the 28th here
    minutes = queries.listening_minutes(alice, dt.date(2026, 3, 28), dt.date(2026, 3, 30))
    assert minutes == {
        dt.date(2026, 3, 28): 7.0,
        dt.date(2026, 3, 29): 20.0,
        dt.date(2026, 3, 30): 5.0,
    }


def test_listening_minutes_match_each_plays_own_local_date(alice: User, bob: User) -> None:
    """Each play lands on the day its time reads on the zone's clock, local
    midnight included, across a change of clocks at midnight (Santiago skips
    from 00:00 to 01:00 on 6 September 2026); plays outside the days, and
    anyone else's, are left out."""
    import zoneinfo

    from music.models import Listen

    zone = zoneinfo.ZoneInfo("America/Santiago")
    song = track(alice, "Nils Frahm", "Says", duration_ms=3 * 60000)
    first = dt.datetime(2026, 9, 4, 0, 0, tzinfo=zone).astimezone(dt.UTC)
    plays = []
    for step in range(0, 5 * 24 * 60, 50):  # every 50 minutes for five days
        minutes = None if step % 7 == 0 else step % 11 + 1  # some without a duration
        plays.append(
            Listen(
                user=alice,
                track=song,
                played_at=first + dt.timedelta(minutes=step),
                ms_played=None if minutes is None else minutes * 60000,
                source="test",
            )
        )
    # Exactly at a local midnight: that day's first play.
    midnight = dt.datetime(2026, 9, 5, 0, 0, tzinfo=zone)
    plays.append(Listen(user=alice, track=song, played_at=midnight, ms_played=60000, source="t"))
    Listen.objects.bulk_create(plays)
    listen(bob, track(bob, "Nils Frahm", "Says"), "2026-09-05 12:00", 30, zone="America/Santiago")
    start, end = dt.date(2026, 9, 5), dt.date(2026, 9, 7)
    expected: dict[dt.date, float] = {}
    for play in plays:
        day = play.played_at.astimezone(zone).date()
        if start <= day <= end:
            expected[day] = expected.get(day, 0) + (play.ms_played or 3 * 60000) / 60000
    assert len(expected) == 3
    assert queries.listening_minutes(alice, start, end, zone=zone) == pytest.approx(expected)


def test_it_leaves_deleted_checkins_out_of_every_figure(alice: User) -> None:
    from django.utils import timezone

    exercise = tag(alice, "exercise")
    song = track(alice, "A", "B")
    kept = checkin(alice, "2026-04-01 08:00", 2, 2, tags=[exercise], tracks=[song])
    gone = checkin(alice, "2026-04-02 08:00", -4, -4, tags=[exercise], tracks=[song])
    gone.deleted_at = timezone.now()
    gone.save()
    assert [d.date for d in figures.daily_moods(alice, None, None)] == [kept.local_date]
    assert figures.music_by_quadrant(alice, None, None).links == 1
    assert figures.tag_impact(alice, None, None, min_days=1).too_few[0].with_days == 1
    assert sum(b.count for b in figures.weekday_pattern(alice, None, None)) == 1
    assert sum(b.count for b in figures.time_of_day_pattern(alice, None, None)) == 1


def test_it_leaves_guessed_energy_out_of_energy_figures(alice: User) -> None:
    # An imported pleasantness-only entry: energy 0, marked as estimated.
    imported = checkin(alice, "2026-04-13 08:00", 3, 0)
    imported.energy_estimated = True
    imported.save()
    checkin(alice, "2026-04-13 20:00", 1, 4)
    checkin(alice, "2026-04-14 20:00", -1, -2)
    series = figures.mood_over_time(alice, Period.DAY, TODAY)
    monday = series.moods[dt.date(2026, 4, 13)]
    assert (monday.pleasantness, monday.energy, monday.energy_count) == (2.0, 4.0, 1)
    assert (monday.min_energy, monday.max_energy) == (4, 4)
    energy = charts.mood_over_time_chart(series, "energy")
    assert energy.summary.startswith(
        "Across the last 30 days (2 check-ins on 2 days), your energy averaged +1.0"
    )
    days = {b.label: b for b in figures.weekday_pattern(alice, None, None)}
    assert (days["Monday"].pleasantness, days["Monday"].energy) == (2.0, 4.0)
    times = {b.label: b for b in figures.time_of_day_pattern(alice, None, None)}
    morning = times["Morning (6am–noon)"]
    assert (morning.pleasantness, morning.energy, morning.count) == (3.0, None, 1)


def test_it_says_so_when_no_energy_was_recorded(alice: User) -> None:
    imported = checkin(alice, "2026-04-13 08:00", 3, 0)
    imported.energy_estimated = True
    imported.save()
    series = figures.mood_over_time(alice, Period.WEEK, TODAY)
    chart = charts.mood_over_time_chart(series, "energy")
    assert chart.summary == (
        "No energy was recorded in the last 26 weeks (only pleasantness, from an import)."
    )
    assert chart.rows == []
    assert (
        "pleasantness averaged +3.0" in charts.mood_over_time_chart(series, "pleasantness").summary
    )


def test_the_calendar_groups_days_in_sql_as_the_figures_do_in_python(alice: User) -> None:
    from django.utils import timezone

    # Several check-ins a day, a day of guessed energy only, a day mixing
    # guessed and recorded energy, and a deleted check-in.
    checkin(alice, "2026-04-01 08:00", 2, 1)
    checkin(alice, "2026-04-01 20:00", -3, 4)
    checkin(alice, "2026-04-01 22:00", 1, -2)
    for when, p, e in (("2026-04-02 08:00", 3, 1), ("2026-04-02 09:00", 1, 2)):
        guessed = checkin(alice, when, p, e)
        guessed.energy_estimated = True
        guessed.save()
    mixed = checkin(alice, "2026-04-03 08:00", -1, 3)
    mixed.energy_estimated = True
    mixed.save()
    checkin(alice, "2026-04-03 18:00", 2, -4)
    gone = checkin(alice, "2026-04-04 08:00", -4, -4)
    gone.deleted_at = timezone.now()
    gone.save()
    checkin(alice, "2026-12-31 23:30", 0, 2)
    year = figures.calendar_year(alice, 2026)
    shown = {day: mood for month in year.months for day, mood in month.days if mood}
    python = {d.date: d for d in figures.daily_moods(alice, None, None)}
    assert shown == python
    assert len(shown) == 4
    assert shown[dt.date(2026, 4, 2)].energy_is_estimate
    assert (shown[dt.date(2026, 4, 3)].energy, shown[dt.date(2026, 4, 3)].energy_count) == (-4, 1)


def test_the_calendar_names_each_day_and_month_as_the_date_reads(alice: User) -> None:
    """The grid steps weekday and month names along instead of formatting
    each date; every cell still says its own date (a leap year, today marked)."""
    from journal import calendar_chart

    checkin(alice, "2024-02-29 08:00", 2, 1)
    today = dt.date(2024, 3, 1)
    html = calendar_chart.calendar_months(figures.calendar_year(alice, 2024), "/history/", today)
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        spoken = f"{day:%A} {day.day} {day:%B}"
        if day == today:
            spoken = f"Today, {spoken}"
        cell = f'title="{spoken}: ' if day == dt.date(2024, 2, 29) else f">{spoken}: no check-in<"
        assert cell in html, day
        if day.day == 1:
            assert f'<h3 class="month-name">{day:%B}' in html
        day += dt.timedelta(days=1)
    assert html.count('<li class="day ') == 366
