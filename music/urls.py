from __future__ import annotations

from django.urls import path

from music.views import imports, library, playlists, tracks

urlpatterns = [
    path("music/", library.library, name="music_library"),
    path("music/tracks/<int:pk>/", tracks.track_detail, name="music_track"),
    path("music/tracks/<int:pk>/rate/", tracks.track_rate, name="music_track_rate"),
    path("music/tracks/<int:pk>/comfort/", tracks.track_comfort, name="music_track_comfort"),
    path("music/import/", imports.import_page, name="music_import"),
    path("music/import/<int:pk>/", imports.import_job, name="music_import_job"),
    path("music/listens.csv", library.listens_csv, name="music_listens_csv"),
    path("playlists/", playlists.playlist_list, name="playlists"),
]
