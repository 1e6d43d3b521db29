"""Fixture files for the journal import tests, written from the documented
columns, byte for byte (BOM, CRLF and quoting are the point, so they are built
here rather than kept as files an editor or git could normalise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DAYLIO_HEADER = "full_date,date,weekday,time,mood,activities,note_title,note"

# Line numbers (1 = header) are asserted in the tests; keep them in sync.
DAYLIO_ROWS = [
    # line 2: the night the clocks went forward in Berlin; 02:30 does not exist there
    '2026-03-29,March 29,Sunday,02:30,rad,time with friends | Music,"Spring","Clocks went '
    'forward, and we danced anyway."',
    # lines 3-5: a custom mood and a multi-line quoted note with CRLF inside
    '2026-03-28,March 28,Saturday,23:30,super tired,,"","Long day at the harbour.\r\n'
    'Second line, with a comma.\r\nThird line: ""quoted"" words."',
    # line 6: 12-hour time, no note at all
    "2026-03-27,March 27,Friday,10:15 PM,good,work | exercise,,",
    # line 7: a date that does not exist
    "2026-02-30,February 30,Monday,09:00,bad,work,,Should be skipped",
    # line 8: ambiguous local time in Berlin (clocks went back at 03:00)
    "2025-10-26,October 26,Sunday,02:30,meh,alone time,,Rain all day",
    # line 9: another custom mood, one activity
    "2026-01-05,January 5,Monday,08:00,Keyed up,Sang,,Before the interview",
    # line 10: a default mood in capitals
    "2025-12-24,December 24,Wednesday,19:45,AWFUL,,A hard evening,",
]


def daylio_csv(rows: list[str] | None = None, *, bom: bool = True, crlf: bool = True) -> bytes:
    newline = "\r\n" if crlf else "\n"
    text = newline.join([DAYLIO_HEADER, *(DAYLIO_ROWS if rows is None else rows)]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


# A made-up app ("Moodnotes"-like) with semicolons, day-first dates, a numeric
# scale and tags separated by commas.
OTHER_APP_CSV = (
    b"Date;Time;Feeling;Tags;Entry\n"
    b"29.03.2026;14:05;5;family, sun;Picnic by the river\n"
    b'28.03.2026;08:10;2;work;"Tired.\nToo many meetings; no lunch."\n'
    b"27.03.2026;21:00;3;;\n"
    b"someday;10:00;4;work;Date is not a date\n"
    b"26.03.2026;07:30;;work;No feeling given\n"
)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a fresh folder, so a test can see what was left behind."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return tmp_path / "uploads"


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
