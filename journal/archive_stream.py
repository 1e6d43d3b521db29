"""An uploaded Attune archive, never whole in memory: sealed to disk in frames
as it arrives, checked in one streaming pass, then read a section at a time.

Sealing: the upload holds notes in clear, so it is written as AES-GCM frames of
``FRAME`` bytes (note key, bound to the job and owner, each frame to its place
and the last one marked, so frames cannot be dropped, reordered or cut off).
Reading: ``SealedReader`` opens them lazily, a frame at a time.

Checking (``check_archive``): ijson's event stream with a depth cap
(ATTUNE_JSON_MAX_DEPTH), an entry cap (ATTUNE_JSON_MAX_ITEMS) and a cap on the
values in one entry, before anything is built; nothing here recurses, so a
3,000-deep archive is refused with a reason instead of a RecursionError.
Sections are then read with ``ijson.items`` (``StreamedArchive.rows``), one
entry at a time, in the order the importer needs them whatever the file's order.

ijson and cryptography are imported where they are used: this module loads
with the app (journal/apps.py registers the archive import), in processes
that never read an archive.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from journal.archive import FORMAT, VERSION, ArchiveError
from journal.crypto import NONCE_BYTES, NoteKeyError, keyring

FRAME = 1024 * 1024
MAGIC = b"attune-sealed-frames-1\n"
# Values in one entry (a check-in with its words, tags and songs; a week's
# reflection): far above any real one, far below what would fill memory.
MAX_ENTRY_VALUES = 100_000
SECTIONS = (
    "emotion_words",
    "tags",
    "tracks",
    "checkins",
    "listens",
    "user_tracks",
    "playlists",
    "reflections",
    "day_attributes",
)
_STARTS = ("start_map", "start_array")
_ENDS = ("end_map", "end_array")
NOT_UTF8 = "This file is not text in UTF-8, so it is not an Attune archive."
NOT_JSON = "This file is not valid JSON (it may be cut short). Please export it again."


def _frame_aad(aad: bytes, index: int, last: bool) -> bytes:
    return aad + f":{index}:{int(last)}".encode()


def seal_chunks(chunks: Iterable[bytes], path: Path, aad: bytes) -> str:
    """Write `chunks` to `path` sealed in frames; returns the key id used."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ring = keyring()
    aes = AESGCM(ring.keys[ring.current_id])
    buffer = bytearray()
    index = 0
    with path.open("wb") as out:
        out.write(MAGIC)

        def frame(data: bytes, last: bool) -> None:
            nonce = os.urandom(NONCE_BYTES)
            sealed = aes.encrypt(nonce, data, _frame_aad(aad, index, last))
            out.write(len(sealed).to_bytes(4, "big") + nonce + sealed)

        for chunk in chunks:
            buffer += chunk
            while len(buffer) > FRAME:
                frame(bytes(buffer[:FRAME]), False)
                del buffer[:FRAME]
                index += 1
        frame(bytes(buffer), True)
    return ring.current_id


class SealedReader(io.RawIOBase):
    """The clear text of a sealed upload, read a frame at a time (a leading
    UTF-8 byte-order mark dropped)."""

    def __init__(self, path: str, key_id: str, aad: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = keyring().keys.get(key_id)
        if key is None:
            raise NoteKeyError(f"No key with id {key_id!r}.")
        self._aes = AESGCM(key)
        self._aad = aad
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
        if self._file.read(len(MAGIC)) != MAGIC:
            self._file.close()
            raise NoteKeyError("The stored upload is not sealed in frames.")
        self._index = 0
        self._done = False
        self._pending = b""
        self._first = True

    def readable(self) -> bool:
        return True

    def _next_frame(self) -> bytes:
        from cryptography.exceptions import InvalidTag

        size = int.from_bytes(self._file.read(4) or b"\0\0\0\0", "big")
        blob = self._file.read(NONCE_BYTES + size)
        if not size or len(blob) != NONCE_BYTES + size:
            raise NoteKeyError("The stored upload is cut short.")
        for last in (False, True):
            try:
                data = self._aes.decrypt(
                    blob[:NONCE_BYTES], blob[NONCE_BYTES:], _frame_aad(self._aad, self._index, last)
                )
            except InvalidTag:
                continue
            self._index += 1
            self._done = last
            return data
        raise NoteKeyError("The stored upload does not belong to this job or the key is wrong.")

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            self._pending = self._next_frame()
            if self._first:
                self._pending = self._pending.removeprefix(b"\xef\xbb\xbf")
                self._first = False
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._file.close()
        super().close()


def check_archive(stream: IO[bytes]) -> None:
    """Read the whole archive once as events: ArchiveError with a plain reason
    if it is not an Attune archive this version reads or exceeds a cap."""
    import ijson

    max_depth = int(settings.ATTUNE_JSON_MAX_DEPTH)
    max_entries = int(settings.ATTUNE_JSON_MAX_ITEMS)
    depth = entries = values = 0
    seen_format = False
    try:
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if event in _ENDS:
                depth -= 1
                continue
            if event == "map_key":
                continue
            if depth == 0 and event != "start_map":
                raise ArchiveError("This JSON file is not an Attune archive.")
            if depth == 1:
                _check_top(prefix, event, value)
                seen_format = seen_format or prefix == "format"
            elif depth == 2:
                entries, values = entries + 1, 0
                if entries > max_entries:
                    raise ArchiveError(
                        f"This archive has more than {max_entries:,} entries; Attune imports "
                        f"up to {max_entries:,} from one file. Is it the right file?"
                    )
            values += 1
            if values > MAX_ENTRY_VALUES:
                raise ArchiveError(
                    f"Entry {entries:,} of this archive holds more than {MAX_ENTRY_VALUES:,} "
                    "values, far more than any real one. Is it the right file?"
                )
            if event in _STARTS:
                depth += 1
                if depth > max_depth:
                    raise ArchiveError(
                        f"This archive is nested more than {max_depth} levels deep; an Attune "
                        "archive never is. Is it the right file?"
                    )
    except (ijson.JSONError, UnicodeDecodeError) as error:
        if isinstance(error, UnicodeDecodeError) or "UTF8" in str(error):
            raise ArchiveError(NOT_UTF8) from error
        raise ArchiveError(NOT_JSON) from error
    if not seen_format:
        raise ArchiveError("This JSON file is not an Attune archive.")


def _check_top(prefix: str, event: str, value: object) -> None:
    if prefix == "format" and value != FORMAT:
        raise ArchiveError("This JSON file is not an Attune archive.")
    if prefix == "version" and value != VERSION:
        raise ArchiveError(
            f"This archive is version {str(value)[:20]}; this Attune reads version {VERSION}."
        )
    if prefix in SECTIONS and event not in ("start_array", "null"):
        raise ArchiveError(f"The {prefix!r} part of the archive is not a list.")


def scrub_tree(value: Any) -> Any:
    """Every string storable (no NUL, no lone surrogate), all the way down,
    without recursion (a stack of containers to visit)."""
    from config.text import scrub

    if isinstance(value, str):
        return scrub(value)
    if not isinstance(value, dict | list):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, dict | list):
                copy: Any = {} if isinstance(item, dict) else []
                stack.append((item, copy))
                item = copy
            elif isinstance(item, str):
                item = scrub(item)
            if isinstance(target, dict):
                target[scrub(str(key))] = item
            else:
                target.append(item)
    return root


class StreamedArchive:
    """An archive's sections read from a stream opened afresh for each one."""

    def __init__(self, opener: Callable[[], IO[bytes]]) -> None:
        self.opener = opener

    def rows(self, section: str) -> Iterator[dict[str, Any]]:
        import ijson

        with self.opener() as stream:
            for row in ijson.items(stream, f"{section}.item", use_float=True):
                if isinstance(row, dict):
                    yield scrub_tree(row)
