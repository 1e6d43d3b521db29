"""The caps on what an uploaded zip may hold (imports/files.py): refused with a
plain message before anything is unpacked."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from imports.files import text_files, zip_directory
from imports.registry import ImportFormatError


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def names(stream: io.BytesIO) -> list[str]:
    return [name for _text, name in text_files(stream, lambda n: n.endswith(".json"), "none")]


def test_it_reads_the_wanted_members_of_a_zip_within_the_caps() -> None:
    stream = zipped({"b.json": b"[]", "a.json": b"[]", "c.txt": b"x"})
    count, directory = zip_directory(stream)
    assert count == 3 and 0 < directory < 3 * 512
    stream.seek(0)
    assert names(stream) == ["a.json", "b.json"]


def test_it_refuses_a_zip_with_too_many_members_before_opening_it(settings: Any) -> None:
    settings.ATTUNE_ZIP_MAX_MEMBERS = 5
    stream = zipped({f"{n}.json": b"" for n in range(6)})
    with pytest.raises(
        ImportFormatError, match="This zip holds 6 files; Attune reads zips of up to 5"
    ):
        names(stream)


def test_a_zip_that_lies_about_its_count_is_caught_by_its_directory_size(settings: Any) -> None:
    settings.ATTUNE_ZIP_MAX_MEMBERS = 2
    stream = zipped({f"{n:0400d}.json": b"" for n in range(6)})
    raw = bytearray(stream.getvalue())
    at = raw.rfind(b"PK\x05\x06")
    raw[at + 8 : at + 12] = (1).to_bytes(2, "little") * 2  # "one member"
    with pytest.raises(ImportFormatError, match="Attune reads zips of up to 2"):
        names(io.BytesIO(bytes(raw)))


def test_it_refuses_a_zip_bomb_by_the_size_its_members_unpack_to(settings: Any) -> None:
    settings.ATTUNE_ZIP_MAX_UNCOMPRESSED_MB = 1
    stream = zipped({"big.json": b"0" * (2 * 1024 * 1024)}, zipfile.ZIP_DEFLATED)
    assert len(stream.getvalue()) < 10_000
    with pytest.raises(ImportFormatError, match="would unpack to 2 MB; Attune unpacks up to 1 MB"):
        names(stream)
