from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # "Reminders" on the settings page (accounts knows no other app).
        from accounts.settings_page import Section, add_section
        from reminders.settings_section import section_context

        add_section(Section(template="reminders/_settings_section.html", context=section_context))
        # The reminder email's unsubscribe link (journal knows no app above it).
        from reminders.unsubscribe import register_purpose

        register_purpose()
