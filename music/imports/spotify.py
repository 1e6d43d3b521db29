"""Spotify listening history: the Extended Streaming History
(``Streaming_History_Audio_*.json``, older ``endsong_*.json``), the basic
account-data ``StreamingHistory_music_*.json`` (or ``StreamingHistory*.json``),
or the zip Spotify sends with any of them inside.

Extended items: ``ts`` (when the play *ended*, UTC), ``ms_played``,
``master_metadata_track_name``, ``master_metadata_album_artist_name``,
``master_metadata_album_album_name``, ``spotify_track_uri``, ``skipped``,
``reason_end``, ``incognito_mode``; podcast episodes carry ``episode_name`` and
audiobooks ``audiobook_title``. Basic items: ``endTime`` ("YYYY-MM-DD HH:MM",
UTC, the end of the play), ``artistName``, ``trackName``, ``msPlayed``.

Both give the end of the play, so the start is ``end - ms_played``. Podcasts,
audiobooks and incognito plays are skipped; plays under 30 seconds are kept as
skips (they do not count as plays). Files are read item by item.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import IO, Any, BinaryIO

from imports.files import text_files
from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from music.catalogue import TrackInfo
from music.imports.jsonstream import BrokenJSON, NotAnArray, iter_array
from music.imports.listens import SKIP_UNDER_MS, ListenWriter, Play, clean

SOURCE = "spotify"
MEMBER = re.compile(
    r"(?:^|/)(?:Streaming_History_Audio_[^/]*|endsong_[^/]*|StreamingHistory_music_[^/]*"
    r"|StreamingHistory\d*)\.json$",
    re.IGNORECASE,
)
URI = re.compile(r"^spotify:track:[A-Za-z0-9]{22}$")


def sniff(head: bytes, filename: str) -> str | None:
    if head.startswith(b"PK"):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"["):
        return (
            "This doesn't look like a Spotify streaming history. Upload the zip Spotify "
            "sent you, or a Streaming_History_Audio_*.json / StreamingHistory_music_*.json "
            "file from it."
        )
    if text[1:].strip() in (b"", b"]") or b"ms_played" in head or b"msPlayed" in head:
        return None
    return (
        "This JSON file isn't a Spotify streaming history (it has no ms_played or msPlayed fields)."
    )


def _end_time(item: dict[str, Any]) -> dt.datetime:
    if "ts" in item:
        moment = dt.datetime.fromisoformat(str(item["ts"]))
    else:
        moment = dt.datetime.strptime(str(item["endTime"]), "%Y-%m-%d %H:%M")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _play(item: Any, line: int, report: ImportReport, where: str) -> Play | None:
    if not isinstance(item, dict):
        report.bad_row(line, "not a listening record", where)
        return None
    if item.get("episode_name") or item.get("spotify_episode_uri"):
        report.skip("podcast episode")
        return None
    if item.get("audiobook_title") or item.get("audiobook_uri"):
        report.skip("audiobook")
        return None
    if item.get("incognito_mode") is True:
        report.skip("private (incognito) session")
        return None
    extended = "ts" in item
    if extended:
        artist = clean(item.get("master_metadata_album_artist_name"))
        title = clean(item.get("master_metadata_track_name"))
        album = clean(item.get("master_metadata_album_album_name"))
        uri = clean(item.get("spotify_track_uri"), 64)
        raw_ms = item.get("ms_played")
    else:
        artist = clean(item.get("artistName"))
        title = clean(item.get("trackName"))
        album, uri = "", ""
        raw_ms = item.get("msPlayed")
    if not title or not artist:
        report.bad_row(line, "no artist or title", where)
        return None
    try:
        ms_played = int(raw_ms)  # type: ignore[arg-type]
        if ms_played < 0:
            raise ValueError
        end = _end_time(item)
    except (TypeError, ValueError, OverflowError, KeyError):
        report.bad_row(line, "unreadable date or duration", where)
        return None
    try:
        start = end - dt.timedelta(milliseconds=ms_played)
    except OverflowError:
        report.bad_row(line, "date out of range", where)
        return None
    skipped = ms_played < SKIP_UNDER_MS or item.get("skipped") is True
    return Play(
        info=TrackInfo(
            artist=artist, title=title, album=album, spotify_uri=uri if URI.match(uri) else None
        ),
        played_at=start,
        ms_played=ms_played,
        skipped=skipped,
        line=line,
    )


def _read_file(text: IO[str], writer: ListenWriter, report: ImportReport, where: str) -> None:
    try:
        for item, line in iter_array(text):
            play = _play(item, line, report, where)
            if play:
                writer.add(play)
            report.tick()
    except NotAnArray:
        if where:  # one odd file inside a zip: note it and carry on with the rest
            report.bad_row(None, "not a listening history file", where)
            return
        raise ImportFormatError(
            "This file isn't a Spotify streaming history (not a JSON list)."
        ) from None
    except BrokenJSON as error:
        # Everything before the break is kept; say where it stopped.
        report.bad_row(error.line, "file cut off or broken", f"{where} {error}".strip())


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    with ListenWriter(job.user, SOURCE, report) as writer:
        none_found = (
            "This zip has no Spotify listening history in it. We look for "
            "Streaming_History_Audio_*.json, endsong_*.json or "
            "StreamingHistory_music_*.json files."
        )

        def wanted(name: str) -> bool:
            return bool(MEMBER.search(name)) and "video" not in name.lower()

        for text, name in text_files(stream, wanted, none_found):
            _read_file(text, writer, report, name)


register(
    Kind(
        kind="spotify",
        label="Spotify streaming history (zip or .json)",
        run=run,
        sniff=sniff,
        accept=".zip,.json",
        help="The zip Spotify emails you, or the Streaming_History_Audio_*.json "
        "or StreamingHistory_music_*.json files inside it.",
    )
)
