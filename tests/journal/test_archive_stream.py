"""The archive read as a stream (journal/archive_stream.py): sealed in frames,
checked with caps on depth and entries, never recursed over."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from journal.archive import ArchiveError
from journal.archive_fields import read_archive
from journal.archive_stream import (
    FRAME,
    SealedReader,
    StreamedArchive,
    check_archive,
    scrub_tree,
    seal_chunks,
)
from journal.crypto import NoteKeyError

HEAD = b'{"format":"attune-archive","version":1,'


def test_a_3000_deep_archive_is_refused_with_a_reason_not_a_crash() -> None:
    deep = HEAD + b'"checkins":[' + b"[" * 3000 + b"]" * 3000 + b"]}"
    with pytest.raises(ArchiveError, match="nested more than 32 levels deep"):
        read_archive(deep)


def test_an_archive_with_more_entries_than_the_cap_is_refused(settings: Any) -> None:
    settings.ATTUNE_JSON_MAX_ITEMS = 1000
    many = HEAD + b'"checkins":[' + b",".join([b"{}"] * 1001) + b"]}"
    with pytest.raises(ArchiveError, match="more than 1,000 entries"):
        check_archive(io.BytesIO(many))
    check_archive(io.BytesIO(HEAD + b'"checkins":[' + b",".join([b"{}"] * 999) + b"]}"))


def test_it_refuses_what_is_not_an_archive_before_reading_on() -> None:
    for raw, message in [
        (b"[1, 2]", "not an Attune archive"),
        (b'{"format": "other", "checkins": []}', "not an Attune archive"),
        (HEAD + b'"tags": "no"}', "'tags' part of the archive is not a list"),
        (HEAD + b'"tags": [', "not valid JSON"),
    ]:
        with pytest.raises(ArchiveError, match=message):
            check_archive(io.BytesIO(raw))


def test_scrubbing_keeps_the_shape_without_recursion() -> None:
    value: Any = {"a\x00": ["x\x00y", {"b": [1, None, "\ud800ok"]}], "n": 2}
    assert scrub_tree(value) == {"a": ["xy", {"b": [1, None, "?ok"]}], "n": 2}
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    scrub_tree(deep)  # no RecursionError


def test_a_sealed_upload_reads_back_in_frames_and_only_whole(tmp_path: Path) -> None:
    rows = [{"uuid": str(n), "note": "harbour " * 50} for n in range(6000)]
    raw = b"\xef\xbb\xbf" + json.dumps({"format": "attune-archive", "checkins": rows}).encode()
    assert len(raw) > 2 * FRAME
    path = tmp_path / "sealed"
    key_id = seal_chunks((raw[i : i + 65536] for i in range(0, len(raw), 65536)), path, b"job:1")
    assert b"harbour" not in path.read_bytes()
    archive = StreamedArchive(lambda: SealedReader(str(path), key_id, b"job:1"))  # type: ignore[arg-type, return-value]
    assert [row["uuid"] for row in archive.rows("checkins")] == [str(n) for n in range(6000)]
    with pytest.raises(NoteKeyError):
        SealedReader(str(path), key_id, b"job:2").read()  # bound to its job
    path.write_bytes(path.read_bytes()[: -FRAME // 2])  # the last frame cut off
    with pytest.raises(NoteKeyError, match="cut short"):
        SealedReader(str(path), key_id, b"job:1").read()
