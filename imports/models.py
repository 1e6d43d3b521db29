from __future__ import annotations

from django.conf import settings
from django.db import models

from imports.registry import KINDS, Kind


class ImportJob(models.Model):
    """An uploaded file being imported by a Celery worker, with its progress and
    summary. Every kind of import (music, journal, the Attune archive) is one.

    The table is still ``music_importjob`` (where the model was first made), so
    moving the model lost no rows.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Could not import"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=24)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, blank=True, help_text="reason -> count")
    bad_rows = models.JSONField(
        default=list, blank=True, help_text="first bad rows with line numbers"
    )
    message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a worker was last asked to run it (None: never reached the broker).
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "music_importjob"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.processed_bytes / self.total_bytes))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def importer(self) -> Kind | None:
        """The registered kind of this job (imports/registry.py)."""
        return KINDS.get(self.kind)
