from __future__ import annotations

from django.urls import path, re_path

from music.views import imports, library, listen_api, listening, playlists, tracks

app_name = "music"

urlpatterns = [
    # The ListenBrainz-compatible listening API, at the site root where
    # clients that join paths from the host expect it (a trailing slash is
    # forgiven: a POST cannot be redirected to add one).
    re_path(r"^1/submit-listens/?$", listen_api.submit_listens, name="listen_api_submit"),
    re_path(r"^1/validate-token/?$", listen_api.validate_token, name="listen_api_validate"),
    re_path(
        r"^1/user/(?P<user_name>[^/]+)/listens/?$",
        listen_api.user_listens,
        name="listen_api_listens",
    ),
    re_path(
        r"^1/user/(?P<user_name>[^/]+)/playing-now/?$",
        listen_api.user_playing_now,
        name="listen_api_playing_now",
    ),
    path("settings/listening/", listening.listening_settings, name="listening_settings"),
    path(
        "settings/listening/new-token/",
        listening.listening_new_token,
        name="listening_new_token",
    ),
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
