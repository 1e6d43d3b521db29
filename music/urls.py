from __future__ import annotations

from django.urls import path

from music.views import imports, library, playlists, tracks

app_name = "music"

urlpatterns = [
    path("music/", library.library, name="music_library"),
    path("music/tracks/<int:pk>/rate/", tracks.track_rate, name="music_track_rate"),
    path("music/tracks/<int:pk>/comfort/", tracks.track_comfort, name="music_track_comfort"),
    path("music/import/", imports.import_page, name="music_import"),
    path("music/import/<int:pk>/", imports.import_job, name="music_import_job"),
    path("music/listens.csv", library.listens_csv, name="music_listens_csv"),
    path("playlists/", playlists.playlist_list, name="playlists"),
    path("playlists/save/", playlists.playlist_save, name="playlist_save"),
    path("playlists/rate/", playlists.playlist_rate, name="playlist_rate"),
    path("playlists/<int:pk>/", playlists.playlist_detail, name="playlist_detail"),
    path("playlists/<int:pk>/rename/", playlists.playlist_rename, name="playlist_rename"),
    path("playlists/<int:pk>/delete/", playlists.playlist_delete, name="playlist_delete"),
    path("playlists/<int:pk>/export.<str:fmt>", playlists.playlist_export, name="playlist_export"),
    path(
        "playlists/<int:pk>/songs/<int:item_pk>/move/",
        playlists.item_move,
        name="playlist_item_move",
    ),
    path(
        "playlists/<int:pk>/songs/<int:item_pk>/remove/",
        playlists.item_remove,
        name="playlist_item_remove",
    ),
]
