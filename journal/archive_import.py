"""Import an Attune archive (journal/archive.py, docs/export-format.md).

Idempotent: a check-in arrives once, keyed by `CheckIn.import_key` = the
uuid it had in the archive (or the import key it already carried); listens,
ratings, playlists and reflections are deduplicated too. Every field is
checked: a damaged or hostile entry is skipped and reported, the rest is
imported, and nothing crashes. Check-ins are written in batches.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Model
from django.utils.timezone import now

from accounts.models import User
from config.text import scrub
from journal import day_attributes
from journal.archive import CHUNK, FORMAT, VERSION, ArchiveError
from journal.crypto import UNREADABLE_NOTE, NoteKeyError, decrypt_text, encrypt_text
from journal.models import CheckIn, CheckInTrack, EmotionWord, NoteToken, Tag, WeeklyReflection
from journal.mood import MOOD_MAX, MOOD_MIN
from journal.search import note_digests
from music.catalogue import TrackInfo, get_or_create_track
from music.models import (
    FeelSource,
    ImportJob,
    Listen,
    Playlist,
    PlaylistItem,
    Track,
    UserTrack,
)


@dataclass
class ImportResult:
    checkins: int = 0
    duplicates: int = 0
    listens: int = 0
    playlists: int = 0
    reflections: int = 0
    tracks: int = 0
    day_attributes: int = 0
    bad_rows: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.checkins} check-ins"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already here, left as they were")
        parts += [
            f"{self.listens} listens",
            f"{self.playlists} playlists",
            f"{self.reflections} reflections",
            f"{self.day_attributes} day figures (sleep, exercise, music-making)",
        ]
        text = "Imported " + ", ".join(parts) + "."
        if self.bad_rows:
            text += f" {len(self.bad_rows)} entries could not be read and were skipped."
        return text


def _scrub_tree(value: Any) -> Any:
    """Every string storable (no NUL, no lone surrogate), all the way down."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_tree(item) for item in value]
    if isinstance(value, dict):
        return {scrub(str(key)): _scrub_tree(item) for key, item in value.items()}
    return value


def read_archive(raw: bytes) -> dict[str, Any]:
    """Parse and check an uploaded archive; ArchiveError with a plain reason if not."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ArchiveError(
            "This file is not text in UTF-8, so it is not an Attune archive."
        ) from error
    except (json.JSONDecodeError, RecursionError) as error:
        raise ArchiveError(
            "This file is not valid JSON (it may be cut short). Please export it again."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError("This JSON file is not an Attune archive.")
    if data.get("version") != VERSION:
        raise ArchiveError(
            f"This archive is version {data.get('version')!r}; this Attune reads version {VERSION}."
        )
    return _scrub_tree(data)  # type: ignore[no-any-return]


def _rows(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    rows = data.get(section) or []
    if not isinstance(rows, list):
        raise ArchiveError(f"The {section!r} part of the archive is not a list.")
    return [row for row in rows if isinstance(row, dict)]


# What a hostile or damaged entry can raise; it is then skipped and reported.
ROW_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    ValidationError,
    DatabaseError,
)


def _when(value: object) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError("a time without a time zone")
    return parsed


def _maybe_when(value: object) -> dt.datetime | None:
    return None if value in (None, "") else _when(value)


def _int(value: object, low: int = 0, high: int = 2**31 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"a number out of range: {str(value)[:40]!r}")
    return value


def _maybe_int(value: object, low: int = 0, high: int = 2**31 - 1) -> int | None:
    return None if value is None else _int(value, low, high)


def _maybe_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 1e9:
        raise ValueError(f"not a number: {str(value)[:40]!r}")
    return float(value)


def _mood(value: object) -> int:
    return _int(value, MOOD_MIN, MOOD_MAX)


def _maybe_mood(value: object) -> int | None:
    return None if value is None else _mood(value)


def _text(value: object, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ValueError("text expected")
    return str(value)[:limit]


def _import_words(
    user: User, rows: Iterable[dict[str, Any]], result: ImportResult
) -> dict[str, EmotionWord]:
    words: dict[str, EmotionWord] = {
        w.word.lower(): w for w in EmotionWord.objects.filter(user__isnull=True)
    }
    words |= {w.word.lower(): w for w in EmotionWord.objects.filter(user=user)}
    for number, row in enumerate(rows, start=1):
        try:
            text = _text(row.get("word"), 40).strip()
            existing = words.get(text.lower())
            if not text or (existing and (existing.user_id or not row.get("own"))):
                continue
            with transaction.atomic():
                word = EmotionWord.objects.create(
                    user=user,
                    word=text,
                    pleasantness=_mood(row.get("pleasantness")),
                    energy=_mood(row.get("energy")),
                    definition=_text(row.get("definition"), 200),
                )
        except ROW_ERRORS as error:
            result.bad_rows.append(f"word {number}: {error}")
            continue
        words[text.lower()] = word
    return words


def _import_tags(
    user: User, rows: Iterable[dict[str, Any]], result: ImportResult
) -> dict[str, Tag]:
    tags = {tag.name.lower(): tag for tag in Tag.objects.filter(user=user)}
    for number, row in enumerate(rows, start=1):
        try:
            name = _text(row.get("name"), 40).strip()
            if not name:
                continue
            values = {
                "is_musical": bool(row.get("is_musical")),
                "position": _int(row.get("position") or 0, 0, 32767),
                "archived": bool(row.get("archived")),
            }
            with transaction.atomic():
                tag = tags.get(name.lower())
                if tag is None:
                    tags[name.lower()] = Tag.objects.create(user=user, name=name, **values)
                else:
                    Tag.objects.filter(pk=tag.pk).update(**values)
        except ROW_ERRORS as error:
            result.bad_rows.append(f"tag {number}: {error}")
    return tags


def _import_tracks(rows: Iterable[dict[str, Any]], result: ImportResult) -> dict[object, Track]:
    tracks: dict[object, Track] = {}
    for number, row in enumerate(rows, start=1):
        try:
            artist = _text(row.get("artist"), 300).strip()
            title = _text(row.get("title"), 300).strip()
            if not artist or not title:
                raise ValueError("no artist or title")
            mbid = str(uuid.UUID(str(row["mbid"]))) if row.get("mbid") else None
            extra = {
                "bpm": _maybe_float(row.get("bpm")),
                "musical_key": _text(row.get("musical_key"), 8),
                "tags": _text(row.get("tags"), 500),
            }
            with transaction.atomic():
                track = get_or_create_track(
                    TrackInfo(
                        artist=artist,
                        title=title,
                        album=_text(row.get("album"), 300),
                        duration_ms=_maybe_int(row.get("duration_ms")),
                        mbid=mbid,
                        spotify_uri=_text(row.get("spotify_uri"), 64) or None,
                        isrc=_text(row.get("isrc"), 12) or None,
                    )
                )
                missing = {k: v for k, v in extra.items() if v and not getattr(track, k)}
                if missing:
                    Track.objects.filter(pk=track.pk).update(**missing)
            ref = row.get("ref")
            if not isinstance(ref, int | str):
                raise ValueError("a track without a usable ref")
            tracks[ref] = track
        except ROW_ERRORS as error:
            result.bad_rows.append(f"track {number}: {error}")
            continue
        result.tracks += 1
    return tracks


@dataclass
class _Pending:
    """A check-in read from the archive, ready to be written with its links."""

    checkin: CheckIn
    note: str
    words: list[EmotionWord]
    tags: list[Tag]
    links: list[CheckInTrack]
    times: dict[str, dt.datetime]


def _names(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("a list of names expected")
    return [str(item).lower() for item in value]


def _read_checkin(
    user: User,
    row: dict[str, Any],
    words: dict[str, EmotionWord],
    tags: dict[str, Tag],
    tracks: dict[object, Track],
) -> _Pending:
    original = uuid.UUID(str(row["uuid"]))
    checkin = CheckIn(
        user=user,
        uuid=original,
        felt_at=_when(row.get("felt_at")),
        local_date=dt.date.fromisoformat(str(row.get("local_date"))),
        time_zone=_text(row.get("time_zone"), 64) or user.time_zone,
        pleasantness=_mood(row.get("pleasantness")),
        energy=_mood(row.get("energy")),
        energy_estimated=bool(row.get("energy_estimated")),
        source=str(row["source"])
        if row.get("source") in CheckIn.Source.values
        else CheckIn.Source.ARCHIVE,
        import_key=_text(row.get("import_key") or str(original), 64),
    )
    note = _text(row.get("note"), 1_000_000)
    links = [
        CheckInTrack(
            track=tracks[link.get("track")],
            pleasantness=_maybe_mood(link.get("pleasantness")),
            energy=_maybe_mood(link.get("energy")),
            position=_int(link.get("position") or 0, 0, 32767),
        )
        for link in row.get("tracks") or []
        if link.get("track") in tracks
    ]
    return _Pending(
        checkin=checkin,
        note="" if note == UNREADABLE_NOTE else note,
        words=list({words[w] for w in _names(row.get("words") or []) if w in words}),
        tags=list({tags[t] for t in _names(row.get("tags") or []) if t in tags}),
        links=list({link.track.pk: link for link in links}.values()),
        times={
            name: value
            for name in ("created_at", "updated_at")
            if (value := _maybe_when(row.get(name)))
        },
    )


def _write_checkins(batch: list[_Pending]) -> None:
    """Insert a batch of check-ins with their words, tags, songs and search tokens."""
    taken = set(
        CheckIn.objects.filter(uuid__in=[p.checkin.uuid for p in batch]).values_list(
            "uuid", flat=True
        )
    )
    for pending in batch:
        if pending.checkin.uuid in taken:
            pending.checkin.uuid = uuid.uuid4()
        pending.checkin.set_note(pending.note)  # sealed to the row's uuid and owner
    CheckIn.objects.bulk_create([p.checkin for p in batch])
    timed = []
    for pending in batch:
        for name, value in pending.times.items():
            setattr(pending.checkin, name, value)
        if pending.times:
            timed.append(pending.checkin)
    if timed:
        CheckIn.objects.bulk_update(timed, ["created_at", "updated_at"])
    word_links = CheckIn.words.through
    tag_links = CheckIn.tags.through
    word_links.objects.bulk_create(
        word_links(checkin_id=p.checkin.pk, emotionword_id=word.pk)
        for p in batch
        for word in p.words
    )
    tag_links.objects.bulk_create(
        tag_links(checkin_id=p.checkin.pk, tag_id=tag.pk) for p in batch for tag in p.tags
    )
    for pending in batch:
        for link in pending.links:
            link.checkin = pending.checkin
    CheckInTrack.objects.bulk_create(link for p in batch for link in p.links)
    NoteToken.objects.bulk_create(
        NoteToken(user_id=p.checkin.user_id, checkin_id=p.checkin.pk, digest=value)
        for p in batch
        if p.note
        for value in note_digests(p.checkin.user_id, p.note)
    )


def _import_checkins(
    user: User,
    rows: list[dict[str, Any]],
    words: dict[str, EmotionWord],
    tags: dict[str, Tag],
    tracks: dict[object, Track],
    result: ImportResult,
) -> None:
    mine = CheckIn.objects.filter(user=user)
    seen = set(mine.exclude(import_key=None).values_list("import_key", flat=True))
    seen |= {str(value) for value in mine.values_list("uuid", flat=True)}
    batch: list[_Pending] = []

    def flush() -> None:
        if not batch:
            return
        try:
            with transaction.atomic():
                _write_checkins(batch)
        except ROW_ERRORS:
            # Rare: find the rows the database refused, keep the others.
            for pending in batch:
                pending.checkin.pk = None  # the batch's insert was rolled back
                try:
                    with transaction.atomic():
                        _write_checkins([pending])
                except ROW_ERRORS as error:
                    result.bad_rows.append(f"check-in {pending.checkin.uuid}: {error}")
                    result.checkins -= 1
        batch.clear()

    for number, row in enumerate(rows, start=1):
        key = str(row.get("import_key") or row.get("uuid") or "")
        if key in seen or str(row.get("uuid")) in seen:
            result.duplicates += 1
            continue
        try:
            batch.append(_read_checkin(user, row, words, tags, tracks))
        except ROW_ERRORS as error:
            result.bad_rows.append(f"check-in {number}: {error}")
            continue
        seen.add(key)
        result.checkins += 1
        if len(batch) >= CHUNK:
            flush()
    flush()


def _bulk_insert(model: type[Model], rows: list[Model], what: str, result: ImportResult) -> None:
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
                result.bad_rows.append(f"{what}: {error}")


def _import_listens(
    user: User, rows: list[dict[str, Any]], tracks: dict[object, Track], result: ImportResult
) -> None:
    before = Listen.objects.filter(user=user).count()
    batch: list[Model] = []
    for number, row in enumerate(rows, start=1):
        try:
            batch.append(
                Listen(
                    user=user,
                    track=tracks[row.get("track")],
                    played_at=_when(row.get("played_at")),
                    ms_played=_maybe_int(row.get("ms_played")),
                    skipped=bool(row.get("skipped")),
                    source=_text(row.get("source"), 20) or "archive",
                )
            )
        except ROW_ERRORS as error:
            result.bad_rows.append(f"listen {number}: {error}")
        if len(batch) >= 1000:
            _bulk_insert(Listen, batch, "listen", result)
            batch = []
    _bulk_insert(Listen, batch, "listen", result)
    result.listens = Listen.objects.filter(user=user).count() - before


def _import_user_tracks(
    user: User, rows: list[dict[str, Any]], tracks: dict[object, Track], result: ImportResult
) -> None:
    batch: list[Model] = []
    for number, row in enumerate(rows, start=1):
        try:
            batch.append(
                UserTrack(
                    user=user,
                    track=tracks[row.get("track")],
                    rating_pleasantness=_maybe_mood(row.get("rating_pleasantness")),
                    rating_energy=_maybe_mood(row.get("rating_energy")),
                    rated_at=_maybe_when(row.get("rated_at")),
                    checkin_pleasantness=_maybe_float(row.get("checkin_pleasantness")),
                    checkin_energy=_maybe_float(row.get("checkin_energy")),
                    checkin_count=_int(row.get("checkin_count") or 0),
                    feel_pleasantness=_maybe_float(row.get("feel_pleasantness")),
                    feel_energy=_maybe_float(row.get("feel_energy")),
                    feel_source=str(row["feel_source"])
                    if row.get("feel_source") in FeelSource.values
                    else FeelSource.UNKNOWN,
                    is_comfort=bool(row.get("is_comfort")),
                    play_count=_int(row.get("play_count") or 0),
                    ms_played_total=_int(row.get("ms_played_total") or 0, 0, 2**62),
                    last_played_at=_maybe_when(row.get("last_played_at")),
                )
            )
        except ROW_ERRORS as error:
            result.bad_rows.append(f"track rating {number}: {error}")
    _bulk_insert(UserTrack, batch, "track rating", result)


def _import_playlists(
    user: User, rows: list[dict[str, Any]], tracks: dict[object, Track], result: ImportResult
) -> None:
    for number, row in enumerate(rows, start=1):
        try:
            created_at = _maybe_when(row.get("created_at"))
            updated_at = _maybe_when(row.get("updated_at"))
            name = _text(row.get("name"), 200) or "Playlist"
            same = Playlist.objects.filter(user=user, name=name)
            if created_at and same.filter(created_at=created_at).exists():
                continue
            values = {
                "description": _text(row.get("description"), 500),
                "preset": _text(row.get("preset"), 20),
                "mode": row.get("mode")
                if row.get("mode") in Playlist.Mode.values
                else Playlist.Mode.ISO,
                "source": _text(row.get("source"), 16) or "archive",
                **{
                    key: _maybe_float(row.get(key))
                    for key in (
                        "start_pleasantness",
                        "start_energy",
                        "target_pleasantness",
                        "target_energy",
                    )
                },
            }
            items = [
                (tracks[item["track"]], _int(item.get("position") or 0))
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
            result.bad_rows.append(f"playlist {number}: {error}")
            continue
        result.playlists += 1


# An imported week is history: it is never emailed again.
_REFLECTION_DONE = {WeeklyReflection.Status.SENT, WeeklyReflection.Status.SKIPPED}


def _import_reflections(user: User, rows: list[dict[str, Any]], result: ImportResult) -> None:
    existing = set(WeeklyReflection.objects.filter(user=user).values_list("week_start", flat=True))
    for number, row in enumerate(rows, start=1):
        try:
            week_start = dt.date.fromisoformat(str(row.get("week_start")))
            if week_start in existing:
                continue
            status = row.get("status")
            content = row.get("content")
            created = _maybe_when(row.get("created_at"))
            with transaction.atomic():
                reflection = WeeklyReflection.objects.create(
                    user=user,
                    week_start=week_start,
                    content=content if isinstance(content, dict) else {},
                    status=status
                    if status in _REFLECTION_DONE
                    else WeeklyReflection.Status.SKIPPED,
                    sent_at=_maybe_when(row.get("sent_at")),
                )
                if created:
                    WeeklyReflection.objects.filter(pk=reflection.pk).update(created_at=created)
        except ROW_ERRORS as error:
            result.bad_rows.append(f"reflection {number}: {error}")
            continue
        existing.add(week_start)
        result.reflections += 1


def import_archive(user: User, data: dict[str, Any]) -> ImportResult:
    """Bring an archive (from read_archive) into `user`'s account. Running it
    twice adds nothing the second time."""
    result = ImportResult()
    with transaction.atomic():
        words = _import_words(user, _rows(data, "emotion_words"), result)
        tags = _import_tags(user, _rows(data, "tags"), result)
        tracks = _import_tracks(_rows(data, "tracks"), result)
        _import_checkins(user, _rows(data, "checkins"), words, tags, tracks, result)
        _import_listens(user, _rows(data, "listens"), tracks, result)
        _import_user_tracks(user, _rows(data, "user_tracks"), tracks, result)
        _import_playlists(user, _rows(data, "playlists"), tracks, result)
        _import_reflections(user, _rows(data, "reflections"), result)
        # A day figure already here stays as it is (and is not counted).
        added, _kept, problems = day_attributes.import_rows(user, _rows(data, "day_attributes"))
        result.day_attributes = added
        result.bad_rows += problems
    return result


# ------------------------------------------------- large archives, in a worker

logger = logging.getLogger(__name__)

ARCHIVE_JOB_KIND = "attune-archive"
# Archives up to this size are imported while the person waits; larger ones
# (many years of entries) by a Celery worker, so no web request runs long.
SYNC_LIMIT_BYTES = 1_000_000
MAX_ATTEMPTS = 3


def _job_aad(job: ImportJob) -> bytes:
    return f"attune-archive-upload:{job.pk}:{job.user_id}".encode()


def queue_archive(user: User, raw: bytes, file_name: str) -> ImportJob:
    """Keep the upload (encrypted: it holds notes in clear) for a worker to import."""
    job = ImportJob.objects.create(
        user=user, kind=ARCHIVE_JOB_KIND, file_name=file_name[:255], total_bytes=len(raw)
    )
    blob, key_id = encrypt_text(raw.decode("utf-8-sig"), _job_aad(job))
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"archive-{job.pk}-{uuid.uuid4().hex}.sealed"
    path.write_bytes(blob)
    ImportJob.objects.filter(pk=job.pk).update(stored_path=str(path), options={"key_id": key_id})
    from accounts.tasks import import_archive_job

    import_archive_job.delay_on_commit(job.pk)
    return job


def run_archive_job(job_id: int) -> None:
    """Import a queued archive once. Safe to run twice: the claim is a
    conditional UPDATE and the import itself is idempotent and atomic."""
    claimed = ImportJob.objects.filter(
        pk=job_id,
        kind=ARCHIVE_JOB_KIND,
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=ImportJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=now())
    if not claimed:
        ImportJob.objects.filter(
            pk=job_id, status=ImportJob.Status.RUNNING, attempts__gte=MAX_ATTEMPTS
        ).update(
            status=ImportJob.Status.FAILED,
            finished_at=now(),
            message="This archive could not be imported. Please try again, or ask for help.",
        )
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = Path(job.stored_path)
    try:
        text = decrypt_text(path.read_bytes(), job.options.get("key_id", ""), _job_aad(job))
        result = import_archive(job.user, read_archive(text.encode()))
    except (ArchiveError, NoteKeyError, OSError) as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=now(), message=str(error)[:500]
        )
    except Exception:
        logger.exception("Importing archive job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=now(),
            message="Something went wrong while importing; nothing was changed. Please try again.",
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            finished_at=now(),
            processed_bytes=job.total_bytes,
            imported=result.checkins,
            duplicates=result.duplicates,
            bad_rows=result.bad_rows[:20],
            message=result.summary()[:500],
        )
    path.unlink(missing_ok=True)
