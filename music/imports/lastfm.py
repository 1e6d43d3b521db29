"""Last.fm scrobbles: CSV in the common exporters' shapes, and the Audioscrobbler
``.scrobbler.log`` that portable players write.

CSV shapes:

- no header, ``artist,album,track,date`` (the long-standing lastfm-to-csv
  exporter; date like ``31 Jan 2021 12:34``, UTC);
- with a header naming the columns, e.g.
  ``uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid``
  (``uts`` unix seconds) or ``Artist,Album,Track,Date``; comma or semicolon
  separated (``Artist;Album;AlbumId;Track;TrackId;Date#text``).

Scrobbles give the *start* of the play, in UTC.

``.scrobbler.log`` (Audioscrobbler 1.1): header lines ``#AUDIOSCROBBLER/1.1``,
``#TZ/UTC`` or ``#TZ/UNKNOWN``, ``#CLIENT/...``; then tab-separated
``artist, album, title, track number, duration (s), rating, timestamp, mbid``.
Rating ``L`` is listened, ``S`` skipped. With ``#TZ/UNKNOWN`` the timestamp is
the player's local clock, read here in the user's own time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from imports.files import head_text
from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from music.catalogue import TrackInfo
from music.imports.csvrows import iter_csv
from music.imports.listens import ListenWriter, Play, clean, valid_mbid

SOURCE = "lastfm"
DATE_FORMATS = (
    "%d %b %Y %H:%M",
    "%d %b %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
)
ARTIST = ("artist", "artist name", "artist_name", "artistname")
TRACK = ("track", "track name", "track_name", "title", "song", "name", "trackname")
ALBUM = ("album", "album name", "album_name", "release")
WHEN = (
    "uts",
    "date#uts",
    "date_uts",
    "timestamp",
    "date",
    "date#text",
    "utc_time",
    "time",
    "scrobble time",
)
TRACK_MBID = ("track_mbid", "mbid", "recording_mbid")


def parse_when(value: str) -> dt.datetime:
    value = value.strip()
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def sniff(head: bytes, filename: str) -> str | None:
    text = head_text(head)
    if text.startswith("#AUDIOSCROBBLER"):
        return None
    first = text.splitlines()[0] if text.splitlines() else ""
    if "Event Start Timestamp" in first or "Song Name" in first:
        return "This looks like Apple Music’s Play Activity. Choose “Apple Music” instead."
    if first.lstrip().startswith(("[", "{")):
        return "This is a JSON file, not a Last.fm CSV. Is it from Spotify or ListenBrainz?"
    if "," not in first and ";" not in first:
        return (
            "This doesn't look like a Last.fm scrobble CSV or a .scrobbler.log. "
            "We expect columns for artist, album, track and date."
        )
    return None


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [cell.strip().strip("\ufeff").casefold() for cell in header]

    def find(options: tuple[str, ...]) -> int | None:
        for option in options:
            if option in names:
                return names.index(option)
        return None

    found = {"artist": find(ARTIST), "track": find(TRACK), "when": find(WHEN)}
    if any(index is None for index in found.values()):
        return None
    columns = {key: index for key, index in found.items() if index is not None}
    for key, options in (("album", ALBUM), ("mbid", TRACK_MBID)):
        index = find(options)
        if index is not None:
            columns[key] = index
    return columns


def _run_csv(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    columns: dict[str, int] | None = None
    first_line = head_text(stream.read(4096)).split("\n", 1)[0]
    stream.seek(0)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    with ListenWriter(job.user, SOURCE, report) as writer:
        for line, row in iter_csv(stream, report, delimiter=delimiter):
            report.tick()
            if columns is None:
                columns = _columns(row)
                if columns is not None:
                    continue  # a header row
                if len(row) < 4:
                    raise ImportFormatError(
                        "This CSV has no header naming artist, track and date columns, and "
                        "isn't in the artist,album,track,date shape either."
                    )
                columns = {"artist": 0, "album": 1, "track": 2, "when": 3}
            try:
                cells = {key: row[index] for key, index in columns.items()}
            except IndexError:
                report.bad_row(line, "missing columns", ",".join(row)[:100])
                continue
            try:
                played_at = parse_when(cells["when"])
            except (ValueError, OverflowError, OSError):
                report.bad_row(line, "unreadable date", cells["when"][:60])
                continue
            writer.add(
                Play(
                    info=TrackInfo(
                        artist=clean(cells["artist"]),
                        title=clean(cells["track"]),
                        album=clean(cells.get("album")),
                        mbid=valid_mbid(cells.get("mbid")),
                    ),
                    played_at=played_at,
                    line=line,
                )
            )


def _run_log(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    local = False
    zone = job.user.zone
    with ListenWriter(job.user, SOURCE, report) as writer:
        for line, row in iter_csv(stream, report, delimiter="\t"):
            report.tick()
            if row[0].startswith("#"):
                if row[0].strip().upper() == "#TZ/UNKNOWN":
                    local = True
                continue
            if len(row) < 7:
                report.bad_row(line, "missing columns", "\t".join(row)[:100])
                continue
            artist, album, title, _number, duration, rating, stamp = row[:7]
            try:
                played_at = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
                if local:
                    played_at = played_at.replace(tzinfo=zone)
                seconds = int(duration) if duration.strip().isdigit() else None
            except (ValueError, OverflowError, OSError):
                report.bad_row(line, "unreadable date", stamp[:60])
                continue
            writer.add(
                Play(
                    info=TrackInfo(
                        artist=clean(artist),
                        title=clean(title),
                        album=clean(album),
                        duration_ms=seconds * 1000 if seconds and seconds < 2**21 else None,
                        mbid=valid_mbid(row[7]) if len(row) > 7 else None,
                    ),
                    played_at=played_at,
                    skipped=rating.strip().upper() == "S",
                    line=line,
                )
            )


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    head = stream.read(64)
    stream.seek(0)
    if head_text(head).startswith("#AUDIOSCROBBLER"):
        _run_log(job, stream, report)
    else:
        _run_csv(job, stream, report)


register(
    Kind(
        kind="lastfm",
        label="Last.fm scrobbles (.csv) or .scrobbler.log",
        run=run,
        sniff=sniff,
        accept=".csv,.log,.txt",
        help="A CSV from a Last.fm export tool, or the .scrobbler.log your player wrote.",
    )
)
