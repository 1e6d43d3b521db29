from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedHtmxRequest
from journal import calendar_chart, charts, periods, year_review
from journal.insights import figures, queries, results
from journal.listening import CONTEXT_WINDOW
from journal.timeline import FILTER_KEYS, Filters, HistoryFilterForm, decode_cursor, filter_links
from journal.timeline_rows import timeline_page


def _year(request: AuthedHtmxRequest, filters: Filters, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if 1900 <= year <= 2200:
        return year
    chosen = filters.date_to or filters.date_from
    return chosen.year if chosen else today.year


@login_required
@require_GET
@never_cache
@vary_on_headers("HX-Request")
def history(request: AuthedHtmxRequest) -> HttpResponse:
    """The calendar, the filters and the timeline; HTMX asks only for the next
    page of the timeline (`after` is the keyset cursor)."""
    user = request.user
    # The form (two queries for its choices, and its validation) only when a
    # filter is set, or the full page shows it.
    filtered = any(request.GET.get(key) for key in FILTER_KEYS)
    form = HistoryFilterForm(user, request.GET) if filtered or not request.htmx else None
    filters = Filters.from_form(form) if filtered and form else Filters()
    cursor = request.GET.get("after", "")
    base = reverse("journal:history")
    links = filter_links(base, request.GET)
    page = timeline_page(user, filters, cursor, links, home_zone=user.time_zone)
    paged = decode_cursor(cursor) is not None
    context = {"page": page, "filters": filters, "form": form, "paged": paged}
    if request.htmx:
        return render(request, "journal/history.html#timeline-page", context)
    today = user.local_today()
    calendar = figures.calendar_year(user, _year(request, filters, today))
    context.update(
        calendar=calendar,
        calendar_months=calendar_chart.calendar_months(calendar, reverse("journal:history"), today),
        tone_days=[
            (tone, n)
            for tone, n in (calendar_chart.tone_days(calendar) if calendar.estimated_days else [])
            if n
        ],
        quadrant_days=[(q, n) for q, n in calendar.quadrant_days.items() if n],
        on_this_day=queries.on_this_day(user, today),
        last_felt=queries.last_felt(user),
        today=today,
        review_offer=year_review.offered_review_year(today, calendar.years),
    )
    return render(request, "journal/history.html", context)


def _scale(request: AuthedHtmxRequest, period: periods.Period) -> results.Period:
    """The mood-over-time chart's buckets: ?scale= (or the older ?period=day),
    if it suits the period's length; otherwise the natural one for it."""
    for asked in (request.GET.get("scale", ""), request.GET.get("period", "")):
        if asked in period.scales:
            return results.Period(asked)
    return results.Period(period.scale)


@login_required
@require_GET
@never_cache
def insights_view(request: AuthedHtmxRequest) -> HttpResponse:
    """Patterns over the chosen period (in the URL, so bookmarkable), each as
    an SVG with its numbers in words. Every figure follows the period."""
    user = request.user
    past = periods.history_of(user, user.local_today())
    choice = periods.choose(request.GET, past)
    period = choice.period
    scale = _scale(request, period)
    start, end = period.start, period.end
    # Every mood figure reads the same rows, and every music figure the same
    # song links: two queries for all of them.
    rows = queries.mood_rows(user, start, end)
    links = queries.song_links(user, start, end)
    heard = queries.heard_links(user, start, end)
    days = figures.daily_moods(user, start, end, rows=rows)
    series = figures.mood_series(user, scale, start, end, rows)
    tags = figures.tag_impact(user, start, end, days=days)
    period_query = urlencode(period.query)
    context = {
        "period": period,
        "period_error": choice.error,
        "period_choices": periods.choices(past),
        "period_url": reverse("journal:insights"),
        "period_query": period_query,
        "scale": scale,
        "scales": [results.Period(value) for value in period.scales],
        "start": start,
        "end": end,
        "day_count": len(days),
        "over_time": [
            charts.mood_over_time_chart(series, "pleasantness", period.span),
            charts.mood_over_time_chart(series, "energy", period.span),
        ],
        "weekday": charts.pattern_chart(
            "chart-weekday",
            "Your mood by day of the week",
            figures.weekday_pattern(user, start, end, rows=rows),
            "day of the week",
        ),
        "time_of_day": charts.pattern_chart(
            "chart-time",
            "Your mood by time of day",
            figures.time_of_day_pattern(user, start, end, rows=rows),
            "part of the day",
        ),
        "words": charts.words_chart(queries.word_frequencies(user, start, end)),
        "tags": tags,
        "tags_chart": charts.tag_impact_chart(tags),
        "music": figures.music_by_quadrant(user, start, end, links=links, heard=heard),
        "lifts": figures.songs_that_lift(user, start, end, rows=rows, links=links, heard=heard),
        "lift_baseline": figures.lift_baseline(user, start, end, rows=rows),
        "min_lift": results.MIN_LIFT_SAMPLES,
        # The listening context (journal/listening.py): songs heard around check-ins.
        "heard_moods": figures.listening_before_checkins(user, start, end, rows, heard),
        "context_minutes": int(CONTEXT_WINDOW.total_seconds() // 60),
        "min_context": results.MIN_LISTEN_DAYS,
        "listening": charts.listening_chart(figures.listening_vs_mood(user, start, end, days=days)),
    }
    return render(request, "journal/insights.html", context)
