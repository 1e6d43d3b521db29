"""The music part of an Attune archive: tracks, listens, ratings, playlists.
Each is deduplicated, so importing an archive twice adds nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model

from accounts.models import User
from imports.report import ImportReport
from journal.archive_fields import (
    ROW_ERRORS,
    UNREADABLE,
    clipped,
    maybe_float,
    maybe_mood,
    maybe_when,
    maybe_whole,
    when,
    whole,
)
from music.catalogue import TrackInfo, get_or_create_track
from music.models import FeelSource, Listen, Playlist, PlaylistItem, Track, UserTrack


def import_tracks(
    user: User, rows: Iterable[dict[str, Any]], report: ImportReport
) -> dict[object, Track]:
    """The archive's tracks as the importing user's own: matched and filled in
    among their tracks only, so its names and ids never reach anyone else's
    (docs/catalogue-per-user.md)."""
    tracks: dict[object, Track] = {}
    for number, row in enumerate(rows, start=1):
        try:
            artist = clipped(row.get("artist"), 300).strip()
            title = clipped(row.get("title"), 300).strip()
            if not artist or not title:
                raise ValueError("no artist or title")
            mbid = str(uuid.UUID(str(row["mbid"]))) if row.get("mbid") else None
            extra = {
                "bpm": maybe_float(row.get("bpm")),
                "musical_key": clipped(row.get("musical_key"), 8),
                "tags": clipped(row.get("tags"), 500),
            }
            with transaction.atomic():
                track = get_or_create_track(
                    TrackInfo(
                        artist=artist,
                        title=title,
                        album=clipped(row.get("album"), 300),
                        duration_ms=maybe_whole(row.get("duration_ms")),
                        mbid=mbid,
                        spotify_uri=clipped(row.get("spotify_uri"), 64) or None,
                        isrc=clipped(row.get("isrc"), 12) or None,
                    ),
                    user,
                )
                missing = {k: v for k, v in extra.items() if v and not getattr(track, k)}
                if missing:
                    Track.objects.filter(pk=track.pk).update(**missing)
            ref = row.get("ref")
            if not isinstance(ref, int | str):
                raise ValueError("a track without a usable ref")
            tracks[ref] = track
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"track {number}: {error}")
            continue
        report.count("tracks")
    return tracks


def _bulk_insert(model: type[Model], rows: list[Model], what: str, report: ImportReport) -> None:
    """Insert, skipping rows already there; if the batch fails, row by row."""
    try:
        with transaction.atomic():
            model._default_manager.bulk_create(rows, ignore_conflicts=True)
    except ROW_ERRORS:
        for row in rows:
            try:
                with transaction.atomic():
                    model._default_manager.bulk_create([row], ignore_conflicts=True)
            except ROW_ERRORS as error:
                report.bad_row(None, UNREADABLE, f"{what}: {error}")


def import_listens(
    user: User, rows: Iterable[dict[str, Any]], tracks: dict[object, Track], report: ImportReport
) -> None:
    before = Listen.objects.filter(user=user).count()
    batch: list[Model] = []
    for number, row in enumerate(rows, start=1):
        try:
            batch.append(
                Listen(
                    user=user,
                    track=tracks[row.get("track")],
                    played_at=when(row.get("played_at")),
                    ms_played=maybe_whole(row.get("ms_played")),
                    skipped=bool(row.get("skipped")),
                    source=clipped(row.get("source"), 20) or "archive",
                )
            )
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"listen {number}: {error}")
        if len(batch) >= 1000:
            _bulk_insert(Listen, batch, "listen", report)
            batch = []
    _bulk_insert(Listen, batch, "listen", report)
    report.count("listens", Listen.objects.filter(user=user).count() - before)


def import_user_tracks(
    user: User, rows: Iterable[dict[str, Any]], tracks: dict[object, Track], report: ImportReport
) -> None:
    batch: list[Model] = []
    for number, row in enumerate(rows, start=1):
        try:
            batch.append(
                UserTrack(
                    user=user,
                    track=tracks[row.get("track")],
                    rating_pleasantness=maybe_mood(row.get("rating_pleasantness")),
                    rating_energy=maybe_mood(row.get("rating_energy")),
                    rated_at=maybe_when(row.get("rated_at")),
                    checkin_pleasantness=maybe_float(row.get("checkin_pleasantness")),
                    checkin_energy=maybe_float(row.get("checkin_energy")),
                    checkin_count=whole(row.get("checkin_count") or 0),
                    feel_pleasantness=maybe_float(row.get("feel_pleasantness")),
                    feel_energy=maybe_float(row.get("feel_energy")),
                    feel_source=str(row["feel_source"])
                    if row.get("feel_source") in FeelSource.values
                    else FeelSource.UNKNOWN,
                    is_comfort=bool(row.get("is_comfort")),
                    play_count=whole(row.get("play_count") or 0),
                    ms_played_total=whole(row.get("ms_played_total") or 0, 0, 2**62),
                    last_played_at=maybe_when(row.get("last_played_at")),
                )
            )
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"track rating {number}: {error}")
    _bulk_insert(UserTrack, batch, "track rating", report)


def import_playlists(
    user: User, rows: Iterable[dict[str, Any]], tracks: dict[object, Track], report: ImportReport
) -> None:
    for number, row in enumerate(rows, start=1):
        try:
            created_at = maybe_when(row.get("created_at"))
            updated_at = maybe_when(row.get("updated_at"))
            name = clipped(row.get("name"), 200) or "Playlist"
            same = Playlist.objects.filter(user=user, name=name)
            if created_at and same.filter(created_at=created_at).exists():
                continue
            values = {
                "description": clipped(row.get("description"), 500),
                "preset": clipped(row.get("preset"), 20),
                "mode": row.get("mode")
                if row.get("mode") in Playlist.Mode.values
                else Playlist.Mode.ISO,
                "source": clipped(row.get("source"), 16) or "archive",
                **{
                    key: maybe_float(row.get(key))
                    for key in (
                        "start_pleasantness",
                        "start_energy",
                        "target_pleasantness",
                        "target_energy",
                    )
                },
            }
            items = [
                (tracks[item["track"]], whole(item.get("position") or 0))
                for item in row.get("items") or []
                if item.get("track") in tracks
            ]
            with transaction.atomic():
                playlist = Playlist.objects.create(user=user, name=name, **values)
                PlaylistItem.objects.bulk_create(
                    PlaylistItem(playlist=playlist, track=track, position=position)
                    for track, position in items
                )
                times = {"created_at": created_at} if created_at else {}
                if updated_at:
                    times["updated_at"] = updated_at
                if times:
                    Playlist.objects.filter(pk=playlist.pk).update(**times)
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"playlist {number}: {error}")
            continue
        report.count("playlists")
