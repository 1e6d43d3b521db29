from __future__ import annotations

from django.apps import AppConfig


class MusicConfig(AppConfig):
    name = "music"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each music import kind registers itself with imports.registry.
        from music.imports import (  # noqa: F401
            apple_music,
            lastfm,
            listenbrainz,
            playlist_files,
            spotify,
        )
