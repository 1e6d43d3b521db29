"""A track's page: the song's music side from music, the check-ins it was part
of from journal. It lives here, above both, so music never imports journal;
its path stays /music/tracks/<pk>/ (PRODUCT.md section 10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from journal.track_checkins import checkins_with_track
from music.library import track_for, track_page

CHECKINS_SHOWN = 20


@login_required
@require_GET
@never_cache
def track_detail(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    track = track_for(request.user, pk)
    context = track_page(request.user, track)
    context["links"] = checkins_with_track(request.user, track, CHECKINS_SHOWN)
    return render(request, "music/track.html", context)
