from __future__ import annotations

from django.urls import path

from music.views import library, playlists

urlpatterns = [
    path("music/", library.library, name="music_library"),
    path("playlists/", playlists.playlist_list, name="playlists"),
]
