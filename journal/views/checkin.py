from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedHtmxRequest, HtmxRequest
from journal.mood import MOOD_RANGE, Mood


def mood_rows() -> list[list[Mood]]:
    """The 9x9 grid, top row = highest energy, left column = least pleasant."""
    return [[Mood(p, e) for p in MOOD_RANGE] for e in reversed(MOOD_RANGE)]


@require_http_methods(["GET"])
def home(request: HtmxRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "journal/landing.html")
    return today(request)  # type: ignore[arg-type]


@login_required
def today(request: AuthedHtmxRequest) -> HttpResponse:
    return render(request, "journal/today.html", {"rows": mood_rows()})
