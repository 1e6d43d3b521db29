from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the journal importers (daylio, journal_csv) with the shared
        # import-job framework in music.imports.jobs.
        from journal.imports import registered  # noqa: F401

        # Music reads the check-ins it needs (a song's moods, the latest mood)
        # through music.moments instead of importing journal.
        from journal.track_checkins import CheckinMoments
        from music import moments

        moments.register(CheckinMoments())
