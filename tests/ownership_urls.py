"""A URLconf for testing the ownership matrix itself: one sealed view, one
leaky view, and one URL the matrix cannot map."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from config.urls import urlpatterns as real_urlpatterns
from journal.models import CheckIn
from music.models import Playlist


def sealed(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, user=request.user)
    return HttpResponse(checkin.local_date.isoformat())


def leaky(request: HttpRequest, playlist_id: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=playlist_id)
    if request.method == "POST":
        playlist.name = "renamed by someone else"
        playlist.save()
    return HttpResponse(playlist.name)


def mystery(request: HttpRequest, gizmo_id: int) -> HttpResponse:
    return HttpResponse("?")


urlpatterns = [
    path("selftest/checkins/<int:pk>/", sealed, name="selftest_sealed"),
    path("selftest/leaky/<int:playlist_id>/", leaky, name="selftest_leaky"),
    path("selftest/gizmos/<int:gizmo_id>/", mystery, name="selftest_mystery"),
    *real_urlpatterns,
]
