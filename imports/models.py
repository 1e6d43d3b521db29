from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

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

    @property
    def can_restart(self) -> bool:
        """Still queued after the grace period: it probably missed its worker
        (broker down), so its page offers to try again."""
        grace = dt.timedelta(seconds=settings.ATTUNE_IMPORT_QUEUED_GRACE_SECONDS)
        return self.status == self.Status.QUEUED and timezone.now() - self.created_at > grace

    # What the summary shows beyond the counts (ImportReport.extras, kept in options).

    @property
    def result(self) -> dict[str, Any]:
        extras = self.options.get("result") if isinstance(self.options, dict) else None
        return extras if isinstance(extras, dict) else {}

    def _date(self, name: str) -> dt.date | None:
        try:
            value = self.result.get(name)
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    @property
    def first_date(self) -> dt.date | None:
        return self._date("first_date")

    @property
    def last_date(self) -> dt.date | None:
        return self._date("last_date")

    @property
    def stopped_early(self) -> str:
        return str(self.result.get("stopped_early") or "")

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Why rows were skipped, the commonest first."""
        return sorted(self.skipped.items(), key=lambda item: -item[1])

    def _rows(self) -> list[dict[str, Any]]:
        # Archive jobs made before the pipeline was one kept plain strings.
        return [
            row if isinstance(row, dict) else {"line": None, "reason": str(row), "detail": ""}
            for row in self.bad_rows or []
        ]

    @property
    def problems(self) -> list[dict[str, Any]]:
        return [row for row in self._rows() if not row.get("warning")]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [row for row in self._rows() if row.get("warning")]

    @property
    def summary_line(self) -> str:
        """The kind's own sentence about a finished job (the archive's "Imported
        3 check-ins, ..."), or "" for kinds whose counts say it all."""
        kind = self.importer
        return self.message if kind is not None and kind.summarize is not None else ""
