"""Reading an uploaded file: text in the right encoding, the files inside a zip."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from imports.registry import ImportFormatError

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _encoding(head: bytes) -> str:
    # Spreadsheet programs save "Unicode text" as UTF-16 with a byte-order mark.
    return "utf-16" if head[:2] in UTF16_BOMS else "utf-8-sig"


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing."""
    return head.decode(_encoding(head), errors="replace").lstrip("\ufeff")


def text_stream(stream: IO[bytes]) -> io.TextIOWrapper:
    """Text over an uploaded file: UTF-8 (or UTF-16 with a BOM), an optional BOM
    dropped, bad bytes replaced, newlines left alone (the csv module handles
    CRLF and quoted newlines)."""
    peek = getattr(stream, "peek", None)
    head = peek(2)[:2] if peek else b""
    return io.TextIOWrapper(
        stream,  # type: ignore[arg-type]
        encoding=_encoding(head),
        errors="replace",
        newline="",
    )


def text_files(
    stream: BinaryIO, wanted: Callable[[str], bool], none_found: str
) -> Iterator[tuple[io.TextIOWrapper, str]]:
    """The text files an upload holds: the members of a zip that `wanted`
    accepts (in name order), or the upload itself. Yields (text, member name)."""
    if stream.read(2) != b"PK":
        stream.seek(0)
        yield text_stream(stream), ""
        return
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise ImportFormatError("This zip file is damaged or incomplete.") from None
    members = sorted(
        (info for info in archive.infolist() if wanted(info.filename)), key=lambda m: m.filename
    )
    if not members:
        raise ImportFormatError(none_found)
    for info in members:
        with archive.open(info) as member:
            yield text_stream(member), info.filename
