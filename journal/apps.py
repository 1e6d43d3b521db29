from __future__ import annotations

from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the journal importers (daylio, journal_csv) with the shared
        # import-job framework in music.imports.jobs.
        from journal.imports import registered  # noqa: F401
