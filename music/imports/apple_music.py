"""Apple Music ``Play Activity.csv`` from Apple's privacy data export
(Apple Media Services information > Apple Music Activity).

Columns used: ``Song Name``, ``Artist Name`` (missing in some variants; then
``Container Artist Name`` if present, else the row is skipped with a reason),
``Container Album Name``, ``Event Start Timestamp`` (ISO, UTC; the start of the
play), ``Play Duration Milliseconds``, ``Media Duration In Milliseconds``,
``End Reason Type`` and ``Event Type``. Only ``PLAY_END`` events (or rows with
no event type but a play duration) are plays; ``PLAY_START`` markers, lyrics
views and the like are skipped. Plays under 30 seconds, or ended by skipping,
are kept as skips.
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
from music.imports.listens import SKIP_UNDER_MS, ListenWriter, Play, clean

SOURCE = "apple_music"
REQUIRED = ("Song Name", "Event Start Timestamp")


def sniff(head: bytes, filename: str) -> str | None:
    text = head_text(head)
    first = text.splitlines()[0] if text.splitlines() else ""
    if all(name in first for name in REQUIRED):
        return None
    return (
        "This doesn't look like Apple Music’s Play Activity.csv: we expect columns "
        "such as “Song Name” and “Event Start Timestamp”."
    )


def _int(value: str) -> int | None:
    try:
        return int(float(value))
    except (ValueError, OverflowError):
        return None


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    index: dict[str, int] | None = None
    with ListenWriter(job.user, SOURCE, report) as writer:
        for line, row in iter_csv(stream, report):
            report.tick()
            if index is None:
                index = {name.strip().strip("\ufeff"): i for i, name in enumerate(row)}
                if not all(name in index for name in REQUIRED):
                    raise ImportFormatError(
                        "This CSV is missing the “Song Name” or “Event Start Timestamp” "
                        "column, so it isn't an Apple Music Play Activity file."
                    )
                continue

            def cell(name: str, row: list[str] = row, index: dict[str, int] = index) -> str:
                at = index.get(name)
                return row[at].strip() if at is not None and at < len(row) else ""

            event = cell("Event Type").upper()
            ms_played = _int(cell("Play Duration Milliseconds"))
            if event and event != "PLAY_END":
                report.skip("not a play (start markers, lyrics, other events)")
                continue
            if not event and not ms_played:
                report.skip("not a play (start markers, lyrics, other events)")
                continue
            title = clean(cell("Song Name"))
            artist = clean(cell("Artist Name") or cell("Container Artist Name"))
            if not title:
                report.bad_row(line, "no song name")
                continue
            if not artist:
                report.bad_row(line, "no artist name in this export", title[:100])
                continue
            try:
                started = dt.datetime.fromisoformat(cell("Event Start Timestamp"))
            except ValueError:
                report.bad_row(line, "unreadable date", cell("Event Start Timestamp")[:60])
                continue
            if started.tzinfo is None:
                started = started.replace(tzinfo=dt.UTC)
            if ms_played is not None and ms_played < 0:
                ms_played = None
            media_ms = _int(cell("Media Duration In Milliseconds"))
            end_reason = cell("End Reason Type").upper()
            skipped = "SKIP" in end_reason or (ms_played is not None and ms_played < SKIP_UNDER_MS)
            writer.add(
                Play(
                    info=TrackInfo(
                        artist=artist,
                        title=title,
                        album=clean(cell("Container Album Name")),
                        duration_ms=media_ms if media_ms and 0 < media_ms < 2**31 else None,
                    ),
                    played_at=started,
                    ms_played=ms_played,
                    skipped=skipped,
                    line=line,
                )
            )


register(
    Kind(
        kind="apple_music",
        label="Apple Music Play Activity (.csv)",
        run=run,
        sniff=sniff,
        accept=".csv",
        help="Play Activity.csv from Apple’s data and privacy export.",
    )
)
