"""Reading an Attune archive's entries: the file checked, every field checked.

A damaged or hostile entry raises one of ``ROW_ERRORS``; the importers
(journal/archive_import.py, journal/archive_music.py) then skip it and report
it, and carry on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError

from journal.archive import FORMAT, VERSION, ArchiveError
from journal.archive_stream import NOT_JSON, StreamedArchive, check_archive, scrub_tree
from mood.values import MOOD_MAX, MOOD_MIN

# What a damaged or hostile entry is counted under.
UNREADABLE = "entry could not be read"

# What a hostile or damaged entry can raise; it is then skipped and reported.
ROW_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    ValidationError,
    DatabaseError,
)


def read_archive(raw: bytes) -> dict[str, Any]:
    """Parse and check a small archive held in memory (tests, the command);
    ArchiveError with a plain reason if not. The caps are checked on the event
    stream first (journal/archive_stream.py), so json.loads never meets a file
    nested deeper than ATTUNE_JSON_MAX_DEPTH."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArchiveError(
            "This file is not text in UTF-8, so it is not an Attune archive."
        ) from error
    check_archive(io.BytesIO(text.encode()))
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ArchiveError(NOT_JSON) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError("This JSON file is not an Attune archive.")
    if data.get("version") != VERSION:
        raise ArchiveError(
            f"This archive is version {data.get('version')!r}; this Attune reads version {VERSION}."
        )
    return scrub_tree(data)  # type: ignore[no-any-return]


def section_rows(data: dict[str, Any] | StreamedArchive, section: str) -> Iterable[dict[str, Any]]:
    """The entries of one section: from a parsed archive, or streamed one at a time."""
    if isinstance(data, StreamedArchive):
        return data.rows(section)
    rows = data.get(section) or []
    if not isinstance(rows, list):
        raise ArchiveError(f"The {section!r} part of the archive is not a list.")
    return [row for row in rows if isinstance(row, dict)]


def when(value: object) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError("a time without a time zone")
    return parsed


def maybe_when(value: object) -> dt.datetime | None:
    return None if value in (None, "") else when(value)


def whole(value: object, low: int = 0, high: int = 2**31 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"a number out of range: {str(value)[:40]!r}")
    return value


def maybe_whole(value: object, low: int = 0, high: int = 2**31 - 1) -> int | None:
    return None if value is None else whole(value, low, high)


def maybe_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 1e9:
        raise ValueError(f"not a number: {str(value)[:40]!r}")
    return float(value)


def mood(value: object) -> int:
    return whole(value, MOOD_MIN, MOOD_MAX)


def maybe_mood(value: object) -> int | None:
    return None if value is None else mood(value)


def clipped(value: object, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ValueError("text expected")
    return str(value)[:limit]
