"""The year in review (/history/<year>/review/) and the printable summary
for a chosen period (/history/insights/summary/). Both are plain pages with a
print stylesheet: printing or "Save as PDF" in the browser is the download,
so nothing leaves the server otherwise."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from journal import periods, review_charts, summary, year_review

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


@login_required
@require_GET
@never_cache
def review(request: AuthedHtmxRequest, year: int) -> HttpResponse:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise Http404("No such year.")
    found = year_review.year_review(request.user, year)
    context = {
        "review": found,
        "months_chart": review_charts.months_chart(found),
        "mix_chart": review_charts.quadrant_mix(
            "chart-year-mix", f"Your days by quadrant, {year}", found.quadrant_days
        ),
    }
    return render(request, "journal/year_review.html", context)


@login_required
@require_GET
@never_cache
def printable_summary(request: AuthedHtmxRequest) -> HttpResponse:
    user = request.user
    choice = periods.choose(request.GET, periods.history_of(user, user.local_today()))
    period = choice.period
    with_notes = request.GET.get("notes") == "1"
    result = summary.summary(user, period.start, period.end, period.label, with_notes=with_notes)
    context = {
        "summary": result,
        "period": period,
        "period_error": choice.error,
        "over_time": review_charts.summary_over_time(result),
        "mix_chart": review_charts.quadrant_mix(
            "chart-summary-mix", "Days by quadrant", result.quadrant_days
        ),
        "generated": user.local_today(),
    }
    return render(request, "journal/summary.html", context)
