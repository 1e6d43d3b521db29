from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """The import pipeline: one job model, one registry of kinds, claim-and-run
    and the sweeper. It knows no format: music and journal register theirs."""

    name = "imports"
    verbose_name = "Imports"
    default_auto_field = "django.db.models.BigAutoField"
