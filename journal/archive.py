"""Export the Attune archive: everything a person has, as JSON that Attune
imports back (journal/archive_import.py), and their check-ins as CSV. The
format is documented in docs/export-format.md.

Export is a generator of text chunks: rows are read with `.iterator()` a chunk
at a time, with each chunk's words, tags and songs fetched as plain values, so
years of data never sit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User, zone_or_utc
from journal import day_attributes
from journal.models import CheckIn, CheckInTrack, Tag, WeeklyReflection
from journal.reflections.content import ReflectionContent
from mood.models import EmotionWord
from mood.values import quadrant_of
from music.models import Listen, Playlist, PlaylistItem, Track, UserTrack

FORMAT = "attune-archive"
VERSION = 1
CHUNK = 500


# Every model with rows tied to a user is either in the archive or listed as
# deliberately left out (tests/test_privacy_export.py keeps this complete).
ARCHIVED_MODELS = {
    "accounts.user": "account",
    "mood.emotionword": "emotion_words",
    "journal.tag": "tags",
    "journal.checkin": "checkins",
    "journal.checkin_words": "checkins[].words",
    "journal.checkin_tags": "checkins[].tags",
    "journal.checkintrack": "checkins[].tracks",
    "music.artist": "tracks[].artist",
    "music.track": "tracks",
    "music.listen": "listens",
    "music.usertrack": "user_tracks",
    "music.playlist": "playlists",
    "music.playlistitem": "playlists[].items",
    "journal.weeklyreflection": "reflections",
    "journal.dayattribute": "day_attributes",
}
NOT_ARCHIVED_MODELS = {
    "journal.noteindex": "the search index, rebuilt from the notes on import",
    "imports.importjob": "a log of past uploads, not part of the history",
    "admin.logentry": "staff actions in the admin",
    "reminders.reminderplan": "delivery settings; Apprise URLs may hold tokens for one server",
    "reminders.remindertime": "reminder settings, set again in Settings → Reminders",
    "reminders.pushsubscription": "a browser's push endpoint, valid only with this server's key",
    "reminders.remindersend": "a log of which reminders went out; no journal content",
    "music.playingnow": "what a player says is playing for the next few minutes",
    "accounts.user_groups": "staff permissions",
    "accounts.user_user_permissions": "staff permissions",
    "accounts.accountemail": "a password-reset email waiting to be sent, deleted once sent",
    "accounts.invitation": "invitations a staff member made for others to sign up",
}


class ArchiveError(Exception):
    """The file is not an Attune archive this version can read."""


def _iso(value: dt.datetime | dt.date | dt.time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _track_ids(user: User) -> Q:
    return (
        Q(pk__in=Listen.objects.filter(user=user).values("track_id"))
        | Q(pk__in=UserTrack.objects.filter(user=user).values("track_id"))
        | Q(pk__in=CheckInTrack.objects.filter(checkin__user=user).values("track_id"))
        | Q(pk__in=PlaylistItem.objects.filter(playlist__user=user).values("track_id"))
    )


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "date_joined": _iso(user.date_joined),
        "reflection_enabled": user.reflection_enabled,
        "reflection_weekday": user.reflection_weekday,
        "reflection_time": _iso(user.reflection_time),
        "reflection_include_notes": user.reflection_include_notes,
    }


def _words(user: User) -> Iterator[dict[str, Any]]:
    used = EmotionWord.objects.filter(
        Q(user=user)
        | Q(
            user__isnull=True,
            pk__in=CheckIn.words.through.objects.filter(checkin__user=user).values(
                "emotionword_id"
            ),
        )
    )
    for word in used.order_by("word", "pk").iterator(chunk_size=CHUNK):
        yield {
            "word": word.word,
            "pleasantness": word.pleasantness,
            "energy": word.energy,
            "definition": word.definition,
            "own": word.user_id is not None,
        }


def _tags(user: User) -> Iterator[dict[str, Any]]:
    for tag in Tag.objects.filter(user=user).order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "name": tag.name,
            "is_musical": tag.is_musical,
            "position": tag.position,
            "archived": tag.archived,
        }


def _tracks(user: User) -> Iterator[dict[str, Any]]:
    tracks = Track.objects.filter(_track_ids(user)).select_related("artist").order_by("pk")
    for track in tracks.iterator(chunk_size=CHUNK):
        yield {
            "ref": track.pk,
            "artist": track.artist.name,
            "title": track.title,
            "album": track.album,
            "duration_ms": track.duration_ms,
            "mbid": str(track.mbid) if track.mbid else None,
            "spotify_uri": track.spotify_uri,
            "isrc": track.isrc,
            "bpm": track.bpm,
            "musical_key": track.musical_key,
            "tags": track.tags,
        }


@dataclass
class _Moment:
    """One check-in with its words, tags and songs, read for export."""

    checkin: CheckIn
    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # (track id, pleasantness, energy, position, "Artist – Title")
    tracks: list[tuple[int, int | None, int | None, int, str]] = field(default_factory=list)


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _moments(user: User) -> Iterator[_Moment]:
    """Live check-ins, oldest first, read a chunk at a time with their links.

    The links are fetched per chunk as plain values rather than with
    prefetch_related, whose model instances keep reference cycles alive and
    make memory grow with the number of check-ins.
    """
    checkins = CheckIn.objects.owned_by(user).order_by("felt_at", "pk")
    for chunk in _chunks(checkins.iterator(chunk_size=CHUNK), CHUNK):
        moments = {checkin.pk: _Moment(checkin) for checkin in chunk}
        word_rows = CheckIn.words.through.objects.filter(checkin_id__in=moments)
        for checkin_id, word in word_rows.values_list("checkin_id", "emotionword__word"):
            moments[checkin_id].words.append(word)
        tag_rows = CheckIn.tags.through.objects.filter(checkin_id__in=moments)
        for checkin_id, tag in tag_rows.values_list("checkin_id", "tag__name"):
            moments[checkin_id].tags.append(tag)
        links = CheckInTrack.objects.filter(checkin_id__in=moments).order_by("position", "pk")
        for checkin_id, *link in links.values_list(
            "checkin_id",
            "track_id",
            "pleasantness",
            "energy",
            "position",
            "track__artist__name",
            "track__title",
        ):
            track_id, pleasantness, energy, position, artist, title = link
            moments[checkin_id].tracks.append(
                (track_id, pleasantness, energy, position, f"{artist} – {title}")  # type: ignore[arg-type]
            )
        yield from moments.values()


def _checkins(user: User) -> Iterator[dict[str, Any]]:
    for moment in _moments(user):
        checkin = moment.checkin
        yield {
            "uuid": str(checkin.uuid),
            "felt_at": _iso(checkin.felt_at),
            "local_date": _iso(checkin.local_date),
            "time_zone": checkin.time_zone,
            "pleasantness": checkin.pleasantness,
            "energy": checkin.energy,
            "energy_estimated": checkin.energy_estimated,
            "note": checkin.note,
            "words": sorted(moment.words),
            "tags": sorted(moment.tags),
            "tracks": [
                {"track": track, "pleasantness": p, "energy": e, "position": position}
                for track, p, e, position, _ in moment.tracks
            ],
            "source": checkin.source,
            "import_key": checkin.import_key,
            "created_at": _iso(checkin.created_at),
            "updated_at": _iso(checkin.updated_at),
        }


def _listens(user: User) -> Iterator[dict[str, Any]]:
    listens = Listen.objects.filter(user=user).order_by("played_at", "pk")
    for listen in listens.iterator(chunk_size=CHUNK * 4):
        yield {
            "track": listen.track_id,
            "played_at": _iso(listen.played_at),
            "ms_played": listen.ms_played,
            "skipped": listen.skipped,
            "source": listen.source,
        }


USER_TRACK_FIELDS = [
    "rating_pleasantness",
    "rating_energy",
    "rated_at",
    "checkin_pleasantness",
    "checkin_energy",
    "checkin_count",
    "feel_pleasantness",
    "feel_energy",
    "feel_source",
    "is_comfort",
    "play_count",
    "ms_played_total",
    "last_played_at",
]


def _user_tracks(user: User) -> Iterator[dict[str, Any]]:
    for row in UserTrack.objects.filter(user=user).order_by("pk").iterator(chunk_size=CHUNK):
        item: dict[str, Any] = {"track": row.track_id}
        for name in USER_TRACK_FIELDS:
            value = getattr(row, name)
            item[name] = _iso(value) if isinstance(value, dt.datetime) else value
        yield item


PLAYLIST_FIELDS = [
    "name",
    "description",
    "preset",
    "mode",
    "start_pleasantness",
    "start_energy",
    "target_pleasantness",
    "target_energy",
    "source",
]


def _playlists(user: User) -> Iterator[dict[str, Any]]:
    playlists = Playlist.objects.filter(user=user).order_by("created_at", "pk")
    for chunk in _chunks(playlists.iterator(chunk_size=CHUNK), CHUNK):
        items: dict[int, list[dict[str, int]]] = {playlist.pk: [] for playlist in chunk}
        entries = PlaylistItem.objects.filter(playlist_id__in=items).order_by("position", "pk")
        for playlist_id, track_id, position in entries.values_list(
            "playlist_id", "track_id", "position"
        ):
            items[playlist_id].append({"track": track_id, "position": position})
        for playlist in chunk:
            row: dict[str, Any] = {name: getattr(playlist, name) for name in PLAYLIST_FIELDS}
            row["created_at"] = _iso(playlist.created_at)
            row["updated_at"] = _iso(playlist.updated_at)
            row["items"] = items[playlist.pk]
            yield row


def _reflections(user: User) -> Iterator[dict[str, Any]]:
    rows = WeeklyReflection.objects.filter(user=user).order_by("week_start")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "week_start": _iso(row.week_start),
            "content": ReflectionContent.from_stored(row.content).to_stored()
            if row.content
            else {},
            "status": row.status,
            "sent_at": _iso(row.sent_at),
            "created_at": _iso(row.created_at),
        }


SECTIONS = [
    ("emotion_words", _words),
    ("tags", _tags),
    ("tracks", _tracks),
    ("checkins", _checkins),
    ("listens", _listens),
    ("user_tracks", _user_tracks),
    ("playlists", _playlists),
    ("reflections", _reflections),
    ("day_attributes", day_attributes.archive_rows),
]


def export_json(user: User) -> Iterator[str]:
    """The whole archive as JSON, in chunks of text."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "archive_id": str(uuid.uuid4()),
        "exported_at": _iso(timezone.now()),
        "account": _account(user),
    }
    yield _json(header)[:-1]
    for name, rows in SECTIONS:
        yield f',\n"{name}":['
        buffer: list[str] = []
        first = True
        for row in rows(user):
            buffer.append(_json(row))
            if len(buffer) >= 100:
                yield ("" if first else ",\n") + ",\n".join(buffer)
                first, buffer = False, []
        if buffer:
            yield ("" if first else ",\n") + ",\n".join(buffer)
        yield "]"
    yield "}\n"


CSV_COLUMNS = [
    "date",
    "time",
    "time_zone",
    "pleasantness",
    "energy",
    "quadrant",
    "words",
    "tags",
    "tracks",
    "note",
    "uuid",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula is kept as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_csv(user: User) -> Iterator[str]:
    """The check-ins as CSV (one row each), in chunks of text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for count, moment in enumerate(_moments(user), start=1):
        checkin = moment.checkin
        local = checkin.felt_at.astimezone(checkin_zone(checkin))
        writer.writerow(
            [
                checkin.local_date.isoformat(),
                local.strftime("%H:%M"),
                # An archive import brings its time zone name as written.
                _cell(checkin.time_zone),
                checkin.pleasantness,
                checkin.energy,
                quadrant_of(checkin.pleasantness, checkin.energy).value,
                _cell("; ".join(sorted(moment.words))),
                _cell("; ".join(sorted(moment.tags))),
                _cell("; ".join(name for *_, name in moment.tracks)),
                _cell(checkin.note),
                str(checkin.uuid),
            ]
        )
        if count % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def checkin_zone(checkin: CheckIn) -> dt.tzinfo:
    return zone_or_utc(checkin.time_zone)
