from __future__ import annotations

from django.apps import AppConfig


class MoodConfig(AppConfig):
    """The mood core: the grid's values and the emotion vocabulary, below both
    music and journal. It imports neither."""

    name = "mood"
    default_auto_field = "django.db.models.BigAutoField"
