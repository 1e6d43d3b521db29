from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedHtmxRequest
from journal import charts, insights, year_review
from journal.models import CheckIn
from journal.timeline import (
    Filters,
    HistoryFilterForm,
    decode_cursor,
    filter_links,
    timeline_page,
)

# How far back the pattern charts look.
INSIGHT_DAYS = 365


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
    form = HistoryFilterForm(user, request.GET)
    filters = Filters.from_form(form)
    checkins = filters.apply(user, CheckIn.objects.owned_by(user))
    cursor = request.GET.get("after", "")
    links = filter_links(reverse("history"), request.GET)
    page = timeline_page(checkins, cursor, links, home_zone=user.time_zone)
    paged = decode_cursor(cursor) is not None
    context = {"page": page, "filters": filters, "form": form, "paged": paged}
    if request.htmx:
        return render(request, "journal/history.html#timeline-page", context)
    today = user.local_today()
    calendar = insights.calendar_year(user, _year(request, filters, today))
    context.update(
        calendar=calendar,
        calendar_months=charts.calendar_months(calendar, reverse("history"), today),
        tone_days=charts.tone_days(calendar) if calendar.estimated_days else [],
        on_this_day=insights.on_this_day(user, today),
        last_felt=insights.last_felt(user),
        today=today,
        review_offer=year_review.offered_review_year(today, calendar.years),
    )
    return render(request, "journal/history.html", context)


@login_required
@require_GET
@never_cache
def insights_view(request: AuthedHtmxRequest) -> HttpResponse:
    """Patterns over the last year, each as an SVG with its numbers in words."""
    user = request.user
    try:
        period = insights.Period(request.GET.get("period", "day"))
    except ValueError:
        period = insights.Period.DAY
    end = user.local_today()
    start = end - dt.timedelta(days=INSIGHT_DAYS - 1)
    # Every mood figure reads the same rows, and every music figure the same
    # song links: two queries for all of them.
    rows = insights.mood_rows(user, min(start, insights.series_start(period, end)), end)
    links = insights.song_links(user, start, end)
    days = insights.daily_moods(user, start, end, rows=rows)
    series = insights.mood_over_time(user, period, end, rows=rows)
    tags = insights.tag_impact(user, start, end, days=days)
    context = {
        "period": period,
        "periods": list(insights.Period),
        "start": start,
        "end": end,
        "day_count": len(days),
        "over_time": [
            charts.mood_over_time_chart(series, "pleasantness"),
            charts.mood_over_time_chart(series, "energy"),
        ],
        "weekday": charts.pattern_chart(
            "chart-weekday",
            "Your mood by day of the week",
            insights.weekday_pattern(user, start, end, rows=rows),
            "day of the week",
        ),
        "time_of_day": charts.pattern_chart(
            "chart-time",
            "Your mood by time of day",
            insights.time_of_day_pattern(user, start, end, rows=rows),
            "part of the day",
        ),
        "words": charts.words_chart(insights.word_frequencies(user, start, end)),
        "tags": tags,
        "tags_chart": charts.tag_impact_chart(tags),
        "music": insights.music_by_quadrant(user, start, end, links=links),
        "lifts": insights.songs_that_lift(user, start, end, rows=rows, links=links),
        "min_lift": insights.MIN_LIFT_SAMPLES,
        "listening": charts.listening_chart(
            insights.listening_vs_mood(user, start, end, days=days)
        ),
    }
    return render(request, "journal/insights.html", context)
