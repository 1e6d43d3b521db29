"""CSV rows from an uploaded file, one at a time, with their line numbers.

UTF-8 with or without a BOM, CRLF or LF, quoted fields spanning lines; NUL
characters and lone surrogates scrubbed; a row the csv module cannot read is
reported and reading carries on. Formula-looking cells (``=``, ``+``, ``-``,
``@``) are kept as plain text: nothing here evaluates them, and CSV *exports*
neutralise them (``safe_cell``).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import IO

from config.text import scrub
from imports.files import text_stream
from imports.report import ImportReport

MAX_LINE = 1024 * 1024
csv.field_size_limit(min(sys.maxsize, MAX_LINE))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iter_csv(
    stream: IO[bytes], report: ImportReport, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number where the row starts, cells)."""
    text = text_stream(stream)

    def lines() -> Iterator[str]:
        # Bounded reads: a file with one enormous line is read in pieces (and
        # reported as unreadable rows), never held in memory whole.
        while line := text.readline(MAX_LINE):
            yield line.replace("\x00", "")

    reader = csv.reader(lines(), delimiter=delimiter)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.bad_row(start, "unreadable row", str(error))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        yield line, [scrub(cell) for cell in row]


def safe_cell(value: object) -> str:
    """A cell that spreadsheet programs will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text
