from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedHtmxRequest
from journal.models import CheckInTrack
from mood.values import Mood
from music.forms import parse_point
from music.library import listens_by_month, rate, set_comfort, track_for
from music.models import Listen, UserTrack

CHECKINS_SHOWN = 20


def nearest(value: float) -> int:
    """The nearest grid step, halves away from the middle (as the badges do)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


LISTENS_SHOWN = 10


@login_required
@require_GET
@never_cache
def track_detail(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    track = track_for(request.user, pk)
    entry = UserTrack.objects.filter(user=request.user, track=track).first()
    links = list(
        CheckInTrack.objects.filter(
            track=track, checkin__user=request.user, checkin__deleted_at__isnull=True
        )
        .select_related("checkin")
        .order_by("-checkin__felt_at")[:CHECKINS_SHOWN]
    )
    for link in links:
        link.shown_mood = Mood(  # type: ignore[attr-defined]
            link.pleasantness if link.pleasantness is not None else link.checkin.pleasantness,
            link.energy if link.energy is not None else link.checkin.energy,
        )
    listens = list(
        Listen.objects.filter(user=request.user, track=track).order_by("-played_at")[:LISTENS_SHOWN]
    )
    bars = listens_by_month(request.user, track)
    feel = None
    if entry and entry.feel_pleasantness is not None and entry.feel_energy is not None:
        feel = Mood(nearest(entry.feel_pleasantness), nearest(entry.feel_energy))
    rating = ""
    if entry and entry.rating_pleasantness is not None:
        rating = f"{entry.rating_pleasantness},{entry.rating_energy}"
    context = {
        "track": track,
        "entry": entry,
        "feel": feel,
        "rating": rating,
        "links": links,
        "listens": listens,
        "bars": bars,
        "bar_peak": max((bar.plays for bar in bars), default=0),
    }
    return render(request, "music/track.html", context)


@login_required
@require_POST
def track_rate(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    track = track_for(request.user, pk)
    if "clear" in request.POST:
        rate(request.user, track, None, None)
        messages.success(request, "Your rating is cleared.")
    else:
        point = parse_point(request.POST.get("feel", ""))
        if point is None:
            messages.error(request, "Please choose a square on the grid.")
        else:
            rate(request.user, track, *point)
            messages.success(request, f"Saved: {Mood(*point).describe()}.")
    return redirect("music_track", pk=track.pk)


@login_required
@require_POST
def track_comfort(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    track = track_for(request.user, pk)
    is_comfort = request.POST.get("comfort") == "on"
    set_comfort(request.user, track, is_comfort)
    messages.success(
        request,
        "Added to your comfort songs." if is_comfort else "Removed from your comfort songs.",
    )
    return redirect("music_track", pk=track.pk)
