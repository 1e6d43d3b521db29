"""Reading a mood-journal CSV as a stream of rows, whatever app wrote it.

A file is opened once as bytes and read through a decoding text stream, so a
file of any size never sits whole in memory. The encoding is decided from the
first 64 KB (UTF-8 with or without BOM, else Windows-1252, which is what
spreadsheet programs save); CRLF and multi-line quoted cells are the csv
module's job (newline=""). The delimiter (`,` `;` tab `|`) is sniffed from the
first lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from config.text import scrub

HEAD_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
PREVIEW_ROWS = 5


class NotACsvFile(Exception):
    """The file is not a table we can read; the message says why, kindly."""


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    delimiter: str
    header: list[str]


@dataclass(frozen=True)
class Row:
    line: int  # the file line the row starts on (1 = the header)
    cells: dict[str, str]
    # Set when the csv parser could not read on from here (the last row yielded).
    error: str = ""


def guess_encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # spreadsheet programs' "Unicode text"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    broken = text.count("\ufffd")
    fine = sum(1 for char in text if ord(char) > 127) - broken
    # In a Windows-1252 file almost no byte pair forms valid UTF-8; a few broken
    # sequences among valid ones are damage in a UTF-8 file.
    if broken and not fine:
        return "cp1252"
    return "utf-8-sig"


def refuse_binary(head: bytes, file_name: str = "") -> None:
    name = file_name.lower()
    if name.endswith(".daylio"):
        raise NotACsvFile(
            "This is a Daylio backup (.daylio), which Attune can't read. In Daylio, choose "
            "More → Export Entries → CSV, and upload that file instead."
        )
    if head.startswith(b"PK\x03\x04"):
        raise NotACsvFile(
            "This looks like a zip archive. Please unzip it and upload the .csv file inside."
        )
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise NotACsvFile("This looks like a document or a picture, not a CSV export.")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and head[:4096].count(b"\x00") > max(4, len(head[:4096]) // 20):
        raise NotACsvFile(
            "This file has binary content, so it isn't a CSV export. Please export your "
            "entries as CSV and upload that."
        )
    if not head.strip():
        raise NotACsvFile("This file is empty.")


def _first_line(text: str) -> str:
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def sniff_delimiter(head_text: str) -> str:
    """The delimiter of the table, judged on its header and first few lines."""
    header = _first_line(head_text)
    lines = head_text.lstrip("\ufeff").splitlines()[:6]
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS)
        if dialect.delimiter in DELIMITERS and header.count(dialect.delimiter) >= 1:
            return dialect.delimiter
    except csv.Error:
        pass
    # The Sniffer gives up on unusual files (notes with many commas, one row...);
    # a header line rarely has quotes, so counting there is a safe fallback.
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    if counts[best] == 0:
        raise NotACsvFile(
            "This file doesn't look like a table: its first line has no columns separated "
            "by commas or semicolons."
        )
    return best


def clean_header(names: list[str]) -> list[str]:
    """Trimmed, unique column names (a repeated name gets ' (2)' appended)."""
    seen: dict[str, int] = {}
    header = []
    for index, raw in enumerate(names):
        name = scrub(raw).strip().strip("\ufeff").strip() or f"Column {index + 1}"
        name = name[:80]
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        header.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return header


def read_layout(binary: IO[bytes], file_name: str = "") -> CsvLayout:
    """Look at the start of the file and tell how to read it; rewinds the file."""
    binary.seek(0)
    head = binary.read(HEAD_BYTES)
    binary.seek(0)
    refuse_binary(head, file_name)
    encoding = guess_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    head_text = decoder.decode(head, final=False)
    delimiter = sniff_delimiter(head_text)
    # newline="": a lone carriage return ends a line, as in the full read.
    lines = io.StringIO(head_text.lstrip("\ufeff"), newline="")
    try:
        first = next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error as error:
        raise NotACsvFile(f"The first line of this file can't be read as CSV ({error}).") from None
    header = clean_header(first)
    if len(header) < 2:
        raise NotACsvFile("This file has only one column, so it can't hold dated moods.")
    limit = int(settings.ATTUNE_CSV_MAX_COLUMNS)
    if len(header) > limit:
        raise NotACsvFile(
            f"This file has {len(header)} columns; Attune reads up to {limit}, and a mood "
            "journal export has far fewer. Is it the right file?"
        )
    return CsvLayout(encoding=encoding, delimiter=delimiter, header=header)


class ByteCounter:
    """How far into the underlying file the reader is, for progress bars."""

    def __init__(self, binary: IO[bytes]) -> None:
        self.binary = binary

    def __call__(self) -> int:
        try:
            return self.binary.tell()
        except (OSError, ValueError):
            return 0


class LineTooLong(Exception):
    """A line longer than ATTUNE_CSV_MAX_LINE_CHARS: the file is read no further."""


def bounded_lines(text: IO[str], limit: int) -> Iterator[str]:
    """The file's lines, each read with a bound: a line (a 150 MB row) that
    reaches `limit` characters without ending stops the reading, so it is
    never held in memory whole."""
    while line := text.readline(limit):
        if len(line) >= limit and not line.endswith(("\n", "\r")):
            raise LineTooLong(
                f"a line is longer than {limit:,} characters, more than any journal entry "
                "needs, so the file was read no further"
            )
        yield line


def iter_rows(binary: IO[bytes], layout: CsvLayout) -> Iterator[Row]:
    """Every data row after the header, as {column name: cleaned text}.

    Reading stops with a row that has `error` set at the first line the csv
    module cannot read or that is longer than ATTUNE_CSV_MAX_LINE_CHARS."""
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=layout.encoding, errors="replace", newline="")
    try:
        lines = bounded_lines(text, int(settings.ATTUNE_CSV_MAX_LINE_CHARS))
        reader = csv.reader(lines, delimiter=layout.delimiter)
        try:
            next(reader, None)  # the header, already read by read_layout
        except (csv.Error, LineTooLong) as error:
            yield Row(line=1, cells={}, error=str(error))
            return
        previous_end = reader.line_num
        while True:
            start = previous_end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, LineTooLong) as error:
                # The parser's position is no longer trustworthy: stop here, say so.
                yield Row(line=start, cells={}, error=str(error))
                return
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            values = {
                name: scrub(cells[index]) if index < len(cells) else ""
                for index, name in enumerate(layout.header)
            }
            yield Row(line=start, cells=values)
    finally:
        # Leave the caller's file open: it owns it.
        text.detach()


def preview(binary: IO[bytes], layout: CsvLayout, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows, each cell shortened, for the column-mapping screen."""
    out = []
    for row in iter_rows(binary, layout):
        if row.error:
            break
        out.append([_short(row.cells[name]) for name in layout.header])
        if len(out) >= rows:
            break
    binary.seek(0)
    return out


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
