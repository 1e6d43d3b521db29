"""Importing a playlist file (M3U/M3U8, XSPF, JSPF) as an Attune playlist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from django.db import transaction

from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from music import links
from music.catalogue import TrackInfo
from music.imports.listens import resolve_tracks
from music.imports.playlists_io import PlaylistEntry, parse_playlist, sniff_playlist
from music.models import Listen, Playlist, PlaylistItem
from music.plays import ensure_user_tracks

MAX_PLAYLIST_BYTES = 5 * 1024 * 1024


def sniff(head: bytes, filename: str) -> str | None:
    if sniff_playlist(head, filename) is None:
        return "This doesn't look like a playlist file. We can read M3U/M3U8, XSPF and JSPF."
    return None


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    data = stream.read(MAX_PLAYLIST_BYTES + 1)
    if len(data) > MAX_PLAYLIST_BYTES:
        raise ImportFormatError("This playlist file is too large (over 5 MB) to be a playlist.")
    parsed = parse_playlist(data, job.file_name)
    if not parsed.entries:
        raise ImportFormatError("We found no songs in this playlist.")
    track_ids = resolve_tracks(
        [
            TrackInfo(
                artist=e.artist,
                title=e.title,
                album=e.album,
                duration_ms=e.duration_ms,
                mbid=e.ids.mbid,
                spotify_uri=e.ids.spotify_uri,
                isrc=e.ids.isrc,
            )
            for e in parsed.entries
        ],
        job.user,
    )
    name = parsed.title[:200] or "Imported playlist"
    # The same file imported twice gives one playlist: same name, same songs.
    for existing in Playlist.objects.filter(user=job.user, name=name, source="imported"):
        if list(existing.items.values_list("track_id", flat=True)) == track_ids:
            report.add_duplicates(len(track_ids))
            return
    with transaction.atomic():
        playlist = Playlist.objects.create(
            user=job.user, name=name, source="imported", description=f"From {job.file_name}"
        )
        PlaylistItem.objects.bulk_create(
            PlaylistItem(playlist=playlist, track_id=track_id, position=position)
            for position, track_id in enumerate(track_ids)
        )
        ensure_user_tracks(job.user, track_ids)
    report.add_imported(len(track_ids))
    job.options = {**job.options, "playlist_id": playlist.pk}
    ImportJob.objects.filter(pk=job.pk).update(options=job.options)


register(
    Kind(
        kind="playlist",
        label="A playlist (.m3u, .m3u8, .xspf, .jspf)",
        run=run,
        sniff=sniff,
        accept=".m3u,.m3u8,.xspf,.jspf,.json",
        help="Exported from a music player or another service.",
        done_url="music:playlists",
        done_label="See your playlists",
    )
)


def heard_details(user_id: int, track_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per track, the details of the user's latest listen that carried any
    (where it played, its release, its artists' MusicBrainz ids): one query."""
    found: dict[int, dict[str, Any]] = {}
    rows = (
        Listen.objects.filter(user_id=user_id, track_id__in=set(track_ids), details__isnull=False)
        .order_by("track_id", "-played_at")
        .values_list("track_id", "details")
    )
    for track_id, details in rows:
        if track_id not in found and isinstance(details, dict):
            found[track_id] = details
    return found


def entries_for(playlist: Playlist) -> list[PlaylistEntry]:
    """A playlist's songs in order with every id and playable link known, ready
    for ``render_playlist`` (two queries)."""
    items = list(playlist.items.select_related("track__artist").order_by("position"))
    heard = heard_details(playlist.user_id, (item.track_id for item in items))
    entries = []
    for item in items:
        track = item.track
        details = heard.get(track.pk, {})
        origin = details.get("origin_url")
        artist_mbids = [str(track.artist.mbid)] if track.artist.mbid else []
        if not artist_mbids and isinstance(details.get("artist_mbids"), list):
            artist_mbids = [str(m) for m in details["artist_mbids"]]
        entries.append(
            PlaylistEntry(
                artist=track.artist.name,
                title=track.title,
                album=track.album,
                duration_ms=track.duration_ms,
                ids=links.Ids(
                    mbid=str(track.mbid) if track.mbid else None,
                    spotify_uri=track.spotify_uri,
                    isrc=track.isrc,
                    location=origin if links.is_playable_url(origin) else None,
                ),
                artist_mbids=artist_mbids,
                release_mbid=details.get("release_mbid"),
            )
        )
    return entries
