from __future__ import annotations

from django.apps import AppConfig

from accounts.signals import user_signed_up


class JournalConfig(AppConfig):
    name = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The journal's import kinds (daylio, journal_csv, the Attune archive)
        # join the import pipeline (imports.registry).
        from journal.archive_job import register_archive
        from journal.imports.registered import register_kinds
        from journal.onboarding import give_default_tags
        from journal.your_data import add_your_data_section

        register_kinds()
        register_archive()
        # "Your data" on the settings page, and a new account's default tags.
        add_your_data_section()
        user_signed_up.connect(give_default_tags, dispatch_uid="journal-default-tags")
        # Music reads the check-ins it needs (a song's moods, the latest mood)
        # through music.moments instead of importing journal.
        from journal.track_checkins import CheckinMoments
        from music import moments

        moments.register(CheckinMoments())
