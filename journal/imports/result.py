"""What an import did, row by row, in a form a person can read."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_REPORTED_ROWS = 50


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    # The first rows that were skipped or changed, each {"line", "reason"[, "warning"]}.
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    stopped_early: str = ""

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, line: int, reason: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        if len(self.bad_rows) < MAX_REPORTED_ROWS:
            self.bad_rows.append({"line": line, "reason": reason, "detail": detail})

    def warn(self, line: int, message: str) -> None:
        """The row came in, but not exactly as written (e.g. a shortened note)."""
        if len(self.bad_rows) < MAX_REPORTED_ROWS:
            self.bad_rows.append({"line": line, "reason": message, "detail": "", "warning": True})

    def saw_date(self, day: dt.date) -> None:
        if self.first_date is None or day < self.first_date:
            self.first_date = day
        if self.last_date is None or day > self.last_date:
            self.last_date = day

    def extras(self) -> dict[str, str | None]:
        return {
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "stopped_early": self.stopped_early,
        }

    def summary_sentence(self) -> str:
        parts = [f"{self.imported} check-in{'' if self.imported == 1 else 's'} imported"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already there")
        if self.skipped_total:
            parts.append(
                f"{self.skipped_total} row{'' if self.skipped_total == 1 else 's'} skipped"
            )
        sentence = ", ".join(parts) + "."
        if self.first_date and self.last_date:
            sentence += (
                f" Your entries run from {self.first_date:%-d %B %Y} to {self.last_date:%-d %B %Y}."
            )
        if self.stopped_early:
            sentence += " " + self.stopped_early
        return sentence
