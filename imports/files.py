"""Reading an uploaded file: text in the right encoding, the files inside a zip."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from django.conf import settings

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


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
# A generous directory entry (46 fixed bytes, a long name, extra fields): a
# directory larger than this per allowed member holds more members than allowed.
DIRECTORY_BYTES_PER_MEMBER = 512


def zip_directory(stream: BinaryIO) -> tuple[int, int]:
    """How many members a zip says it holds and the size of its directory,
    read from its last bytes alone.

    zipfile.ZipFile reads the whole central directory into objects first (a
    zip of a million empty members is most of a gigabyte), so the count is
    checked before it is opened. A zip whose end cannot be found counts 0
    (zipfile then says it is damaged). zipfile reads the directory by its size,
    not its count, so a zip that lies about its count is caught by the size."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, _EOCD.size + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        return 0, 0
    fields = _EOCD.unpack_from(tail, at)
    count, directory = int(fields[4]), int(fields[5])
    locator_at = at - _EOCD64_LOCATOR.size
    if locator_at >= 0 and tail[locator_at : locator_at + 4] == b"PK\x06\x07":
        offset = _EOCD64_LOCATOR.unpack_from(tail, locator_at)[2]
        stream.seek(offset)
        record = stream.read(_EOCD64.size)
        if len(record) == _EOCD64.size and record[:4] == b"PK\x06\x06":
            values = _EOCD64.unpack(record)
            count, directory = max(count, int(values[7])), max(directory, int(values[8]))
    return count, directory


def open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    """The zip, refused with a plain message when it holds more members than
    ATTUNE_ZIP_MAX_MEMBERS (checked before zipfile reads its directory)."""
    limit = int(settings.ATTUNE_ZIP_MAX_MEMBERS)
    count, directory = zip_directory(stream)
    count = max(count, directory // DIRECTORY_BYTES_PER_MEMBER)
    if count > limit:
        raise ImportFormatError(
            f"This zip holds {count:,} files; Attune reads zips of up to {limit:,}. "
            "Please upload the export as it came, or only the files with your history."
        )
    stream.seek(0)
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFormatError("This zip file is damaged or incomplete.") from None


def check_unpacked_size(members: list[zipfile.ZipInfo]) -> None:
    """Refuse members that would unpack to more than ATTUNE_ZIP_MAX_UNCOMPRESSED_MB
    (a "zip bomb"). zipfile never returns more than a member's declared size,
    so the declared sizes bound what is read."""
    limit_mb = int(settings.ATTUNE_ZIP_MAX_UNCOMPRESSED_MB)
    total = sum(info.file_size for info in members)
    if total > limit_mb * 1024 * 1024:
        raise ImportFormatError(
            f"The files in this zip would unpack to {total // (1024 * 1024):,} MB; Attune "
            f"unpacks up to {limit_mb:,} MB from one upload. Is it the right file?"
        )


def text_files(
    stream: BinaryIO, wanted: Callable[[str], bool], none_found: str
) -> Iterator[tuple[io.TextIOWrapper, str]]:
    """The text files an upload holds: the members of a zip that `wanted`
    accepts (in name order), or the upload itself. Yields (text, member name).
    A zip is checked against the member-count and unpacked-size caps first."""
    if stream.read(2) != b"PK":
        stream.seek(0)
        yield text_stream(stream), ""
        return
    archive = open_zip(stream)
    members = sorted(
        (info for info in archive.infolist() if wanted(info.filename)), key=lambda m: m.filename
    )
    if not members:
        raise ImportFormatError(none_found)
    check_unpacked_size(members)
    for info in members:
        with archive.open(info) as member:
            yield text_stream(member), info.filename
