from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.http import AuthedHtmxRequest
from mood.values import Mood
from music.forms import parse_point
from music.library import rate, set_comfort, track_for


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
    return redirect("journal:music_track", pk=track.pk)


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
    return redirect("journal:music_track", pk=track.pk)
