"""/history/insights/correlations/: the honest-correlations section for the
chosen period. The insights page loads it with HTMX once it scrolls into view
(it is the heaviest figure); without JavaScript it is a page of its own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from journal import correlation_data, periods
from journal.correlations import Lag, sentence

KIND_TITLES = {
    "tag": "Tags",
    "word": "Emotion words",
    "attribute": "Sleep, exercise and music-making",
    "listening": "Listening time",
    "song": "Songs you added",
    "artist": "Artists you added",
}


def sections(found: correlation_data.Correlations) -> list[dict[str, object]]:
    """The findings grouped as the page lists them: by kind, then same day
    and next day, each finding with its sentence."""
    grouped: list[dict[str, object]] = []
    for kind, title in KIND_TITLES.items():
        rows = [f for f in found.report.findings if f.kind == kind]
        skipped = [s for s in found.report.skipped if s.kind == kind and s.lag is Lag.SAME_DAY]
        if not rows and not skipped:
            continue
        grouped.append(
            {
                "kind": kind,
                "title": title,
                "claimed": [(f, sentence(f)) for f in rows if f.claimed],
                "unclaimed": [(f, sentence(f)) for f in rows if not f.claimed],
                "skipped": skipped,
            }
        )
    return grouped


@login_required
@require_GET
@never_cache
def correlations(request: AuthedHtmxRequest) -> HttpResponse:
    user = request.user
    choice = periods.choose(request.GET, periods.history_of(user, user.local_today()))
    period = choice.period
    found = correlation_data.correlations(user, period.start, period.end)
    context = {
        "period": period,
        "period_error": choice.error,
        "report": found.report,
        "sections": sections(found),
    }
    template = "journal/correlations.html"
    response = render(request, f"{template}#section" if request.htmx else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
