"""What an import did, the one result type every kind fills in.

A kind calls ``add_imported(n)``, ``add_duplicates(n)``, ``skip(reason)`` for an
expected skip (a podcast), ``bad_row(line, reason, detail)`` for a row that
cannot be read (counted under ``reason`` and listed with its line),
``warn(line, message)`` for a row that came in changed, ``saw_date(day)`` for
the range of dates imported, ``count(what, n)`` for other things brought in
(the archive's listens, playlists, ...) and ``tick()`` once per row (progress
is saved on the job every ``PROGRESS_EVERY`` rows). Without a job (a command
run in this process) nothing is saved as it goes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import IO, Any

from imports.models import ImportJob

MAX_BAD_ROWS = 20
PROGRESS_EVERY = 500


class ImportReport:
    def __init__(
        self,
        job: ImportJob | None = None,
        stream: IO[bytes] | None = None,
        *,
        max_bad_rows: int = MAX_BAD_ROWS,
    ) -> None:
        self.job = job
        self.stream = stream
        self.max_bad_rows = max_bad_rows
        self.imported = 0
        self.duplicates = 0
        self.skipped: Counter[str] = Counter()
        # The first rows skipped or changed, each {"line", "reason", "detail"[, "warning"]}.
        self.bad_rows: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()
        self.first_date: dt.date | None = None
        self.last_date: dt.date | None = None
        self.stopped_early = ""
        self.rows = 0
        self.processed_bytes = 0

    def clear(self) -> None:
        """Forget the counts (an all-or-nothing import that was rolled back)."""
        self.imported = self.duplicates = 0
        self.skipped.clear()
        self.bad_rows.clear()
        self.counts.clear()
        self.first_date = self.last_date = None

    # -- what happened

    def add_imported(self, n: int = 1) -> None:
        self.imported += n

    def add_duplicates(self, n: int = 1) -> None:
        self.duplicates += n

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def bad_row(self, line: int | None, reason: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        if len(self.bad_rows) < self.max_bad_rows:
            self.bad_rows.append({"line": line, "reason": reason, "detail": detail[:200]})

    def warn(self, line: int | None, message: str) -> None:
        """The row came in, but not exactly as written (e.g. a shortened note)."""
        if len(self.bad_rows) < self.max_bad_rows:
            self.bad_rows.append({"line": line, "reason": message, "detail": "", "warning": True})

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def saw_date(self, day: dt.date) -> None:
        if self.first_date is None or day < self.first_date:
            self.first_date = day
        if self.last_date is None or day > self.last_date:
            self.last_date = day

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    # -- progress on the job

    def tick(self, n: int = 1) -> None:
        before = self.rows
        self.rows += n
        if self.rows // PROGRESS_EVERY != before // PROGRESS_EVERY:
            self.save_progress()

    def position(self) -> int:
        if self.stream is None:
            return self.processed_bytes
        try:
            return self.stream.tell()
        except (OSError, ValueError):
            return self.processed_bytes

    def save_progress(self) -> None:
        if self.job is None:
            return
        self.processed_bytes = max(self.processed_bytes, self.position())
        ImportJob.objects.filter(pk=self.job.pk).update(**self.fields())

    def fields(self) -> dict[str, Any]:
        """The job's columns that hold this report."""
        return {
            "processed_bytes": self.processed_bytes,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": dict(self.skipped),
            "bad_rows": self.bad_rows,
        }

    def extras(self) -> dict[str, Any]:
        """What a summary page tells beyond the counts (kept in job.options)."""
        return {
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "stopped_early": self.stopped_early,
            "counts": dict(self.counts),
        }

    def summary(self) -> str:
        parts = [f"{self.imported} imported", f"{self.duplicates} already there"]
        parts += [f"{count} skipped ({reason})" for reason, count in self.skipped.items()]
        return ", ".join(parts)
