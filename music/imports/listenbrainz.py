"""ListenBrainz listens: the export zip (``listens/<YYYY>/<M>.jsonl``), a bare
``.jsonl`` file (one listen per line), or a JSON array of listens.

Fields: ``listened_at`` (unix seconds, when the listen *started*),
``track_metadata.artist_name``, ``track_name``, ``release_name``,
``track_metadata.additional_info`` (``recording_mbid``, ``duration_ms`` or
``duration``, ``spotify_id``, ``isrc``) and ``track_metadata.mbid_mapping``
(``recording_mbid``), the MusicBrainz match ListenBrainz made.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from imports.files import text_files
from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from music.catalogue import TrackInfo
from music.imports.jsonstream import BrokenJSON, NotAnArray, iter_array
from music.imports.listens import ListenWriter, Play, clean, valid_mbid

SOURCE = "listenbrainz"
MAX_LINE = 1024 * 1024
MEMBER = re.compile(r"(?:^|/)listens/\d{4}/\d{1,2}\.jsonl$")
SPOTIFY_ID = re.compile(r"^https://open\.spotify\.com/track/([A-Za-z0-9]{22})")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def sniff(head: bytes, filename: str) -> str | None:
    if head.startswith(b"PK"):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"[") and text[1:].strip() in (b"", b"]"):
        return None
    if text[:1] in (b"[", b"{") and b"listened_at" in head:
        return None
    if b"ms_played" in head or b"msPlayed" in head:
        return "This looks like a Spotify history. Choose “Spotify” as the kind of file."
    return (
        "This doesn't look like a ListenBrainz export. Upload the zip from ListenBrainz’s "
        "export page, or a .jsonl / .json file of listens."
    )


def _number(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number < 2**31 else None


def _play(item: Any, line: int, report: ImportReport, where: str) -> Play | None:
    if not isinstance(item, dict) or not isinstance(item.get("track_metadata"), dict):
        report.bad_row(line, "not a listen", where)
        return None
    meta = item["track_metadata"]
    info = meta.get("additional_info") if isinstance(meta.get("additional_info"), dict) else {}
    mapping = meta.get("mbid_mapping") if isinstance(meta.get("mbid_mapping"), dict) else {}
    try:
        played_at = dt.datetime.fromtimestamp(int(item["listened_at"]), tz=dt.UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        report.bad_row(line, "unreadable date", where)
        return None
    duration = _number(info.get("duration_ms"))
    if duration is None and _number(info.get("duration")):
        duration = (_number(info.get("duration")) or 0) * 1000
    spotify = SPOTIFY_ID.match(str(info.get("spotify_id") or ""))
    isrc = clean(info.get("isrc"), 12).upper()
    return Play(
        info=TrackInfo(
            artist=clean(meta.get("artist_name")),
            title=clean(meta.get("track_name")),
            album=clean(meta.get("release_name")),
            duration_ms=duration,
            mbid=valid_mbid(mapping.get("recording_mbid") or info.get("recording_mbid")),
            spotify_uri=f"spotify:track:{spotify.group(1)}" if spotify else None,
            isrc=isrc if ISRC.match(isrc) else None,
        ),
        played_at=played_at,
        line=line,
    )


def _jsonl(text: IO[str], report: ImportReport, where: str) -> Iterator[tuple[Any, int]]:
    number = 0
    while raw := text.readline(MAX_LINE):
        number += 1
        if len(raw) == MAX_LINE and not raw.endswith("\n"):
            report.bad_row(number, "line too long", where)
            while (rest := text.readline(MAX_LINE)) and not rest.endswith("\n"):
                pass
            continue
        if not raw.strip():
            continue
        try:
            yield json.loads(raw), number
        except (json.JSONDecodeError, RecursionError):
            report.bad_row(number, "unreadable line", where)


def _read(text: IO[str], writer: ListenWriter, report: ImportReport, where: str) -> None:
    first = text.read(1)
    while first and first in "\ufeff \t\r\n":
        first = text.read(1)
    text.seek(0)
    items: Iterator[tuple[Any, int]]
    if first == "[":
        items = iter_array(text)
    elif first == "{":
        items = _jsonl(text, report, where)
    else:
        raise ImportFormatError(f"{where or 'This file'} isn't a ListenBrainz export.")
    try:
        for item, line in items:
            play = _play(item, line, report, where)
            if play:
                writer.add(play)
            report.tick()
    except NotAnArray:
        raise ImportFormatError("This file isn't a list of listens.") from None
    except BrokenJSON as error:
        report.bad_row(error.line, "file cut off or broken", f"{where} {error}".strip())


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    with ListenWriter(job.user, SOURCE, report) as writer:
        none_found = (
            "This zip has no ListenBrainz listens in it (we look for "
            "listens/<year>/<month>.jsonl files)."
        )
        for text, name in text_files(stream, lambda name: bool(MEMBER.search(name)), none_found):
            _read(text, writer, report, name)


register(
    Kind(
        kind="listenbrainz",
        label="ListenBrainz export (zip, .jsonl or .json)",
        run=run,
        sniff=sniff,
        accept=".zip,.jsonl,.json",
        help="The zip from ListenBrainz’s export page, or a .jsonl file of listens.",
    )
)
