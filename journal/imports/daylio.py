"""Daylio's CSV export: `full_date,date,weekday,time,mood,activities,note_title,note`.

Moods come as names. Daylio's five defaults (rad, good, meh, bad, awful) get a
suggested place on both axes, which the person confirms or moves on the grid
(a kept suggestion's energy stays marked as estimated: Daylio never asked
about energy); any other (custom or renamed) mood is placed by the person
before the import runs. Activities, joined by " | ", become
tags; note title and note become the note. Older exports without note_title
work too.
"""

from __future__ import annotations

from typing import IO

from accounts.models import User
from imports.report import ImportReport
from journal.imports.csvfile import CsvLayout
from journal.imports.mapped_csv import (
    DAYLIO_DEFAULTS,
    Mapping,
    Placement,
    import_mapped_csv,
    mood_key,
    mood_values,
)
from journal.models import CheckIn

REQUIRED_COLUMNS = ("full_date", "time", "mood", "activities")


def _column(header: list[str], name: str) -> str:
    return next((column for column in header if column.casefold() == name), "")


def is_daylio(header: list[str]) -> bool:
    names = {column.casefold() for column in header}
    return all(name in names for name in REQUIRED_COLUMNS)


def daylio_mapping(
    header: list[str], moods: dict[str, Placement] | None = None, time_zone: str = "UTC"
) -> Mapping:
    """Daylio's fixed column mapping; `moods` adds (or moves) placements by name."""
    placed = dict(DAYLIO_DEFAULTS)
    placed.update({mood_key(name): placement for name, placement in (moods or {}).items()})
    return Mapping(
        date_column=_column(header, "full_date"),
        time_column=_column(header, "time"),
        mood_column=_column(header, "mood"),
        tags_column=_column(header, "activities"),
        note_columns=[
            name for name in (_column(header, "note_title"), _column(header, "note")) if name
        ],
        date_order="ymd",
        tags_separator="|",
        moods=placed,
        time_zone=time_zone,
        source=CheckIn.Source.DAYLIO,
    )


def daylio_moods(binary: IO[bytes], layout: CsvLayout) -> list[tuple[str, int]]:
    """Every mood name in the file with its count, most used first."""
    return mood_values(binary, layout, _column(layout.header, "mood"))


def custom_moods(binary: IO[bytes], layout: CsvLayout) -> list[tuple[str, int]]:
    """The mood names in the file that are not Daylio's defaults, with counts."""
    return [
        (label, count)
        for label, count in daylio_moods(binary, layout)
        if mood_key(label) not in DAYLIO_DEFAULTS
    ]


def import_daylio(
    user: User,
    binary: IO[bytes],
    mapping: Mapping,
    *,
    file_name: str = "",
    report: ImportReport | None = None,
) -> ImportReport:
    return import_mapped_csv(user, binary, mapping, file_name=file_name, report=report)
