from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from music.models import Playlist


@login_required
@require_GET
def playlist_list(request: AuthedHtmxRequest) -> HttpResponse:
    playlists = Playlist.objects.filter(user=request.user)
    return render(request, "music/playlists.html", {"playlists": playlists})
