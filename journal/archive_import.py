"""Import an Attune archive (journal/archive.py, docs/export-format.md).

Idempotent: a check-in arrives once, keyed by `CheckIn.import_key` = the
uuid it had in the archive (or the import key it already carried); listens,
ratings, playlists and reflections are deduplicated too. Every field is
checked (journal/archive_fields.py): a damaged or hostile entry is skipped and
reported, the rest is imported, and nothing crashes. Check-ins are written in
batches. The music part is in journal/archive_music.py; running an import as a
background job in journal/archive_job.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from imports.report import ImportReport
from journal import day_attributes
from journal.archive import CHUNK, ArchiveError
from journal.archive_fields import (
    ROW_ERRORS,
    UNREADABLE,
    clipped,
    maybe_mood,
    maybe_when,
    mood,
    read_archive,
    section_rows,
    when,
    whole,
)
from journal.archive_music import (
    import_listens,
    import_playlists,
    import_tracks,
    import_user_tracks,
)
from journal.archive_stream import StreamedArchive
from journal.crypto import UNREADABLE_NOTES
from journal.models import CheckIn, CheckInTrack, Tag, WeeklyReflection
from journal.reflections.content import ReflectionContent
from journal.search import index_notes
from mood.models import EmotionWord
from music.models import Track

__all__ = ["ArchiveError", "import_archive", "read_archive", "summary"]


def summary(report: ImportReport) -> str:
    """What an archive import brought in, in words."""
    parts = [f"{report.imported} check-ins"]
    if report.duplicates:
        parts.append(f"{report.duplicates} already here, left as they were")
    parts += [
        f"{report.counts['listens']} listens",
        f"{report.counts['playlists']} playlists",
        f"{report.counts['reflections']} reflections",
        f"{report.counts['day_attributes']} day figures (sleep, exercise, music-making)",
    ]
    text = "Imported " + ", ".join(parts) + "."
    if report.skipped_total:
        text += f" {report.skipped_total} entries could not be read and were skipped."
    return text


def _import_words(
    user: User, rows: Iterable[dict[str, Any]], report: ImportReport
) -> dict[str, EmotionWord]:
    words: dict[str, EmotionWord] = {
        w.word.lower(): w for w in EmotionWord.objects.filter(user__isnull=True)
    }
    words |= {w.word.lower(): w for w in EmotionWord.objects.filter(user=user)}
    for number, row in enumerate(rows, start=1):
        try:
            text = clipped(row.get("word"), 40).strip()
            existing = words.get(text.lower())
            if not text or (existing and (existing.user_id or not row.get("own"))):
                continue
            with transaction.atomic():
                word = EmotionWord.objects.create(
                    user=user,
                    word=text,
                    pleasantness=mood(row.get("pleasantness")),
                    energy=mood(row.get("energy")),
                    definition=clipped(row.get("definition"), 200),
                )
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"word {number}: {error}")
            continue
        words[text.lower()] = word
    return words


def _import_tags(
    user: User, rows: Iterable[dict[str, Any]], report: ImportReport
) -> dict[str, Tag]:
    tags = {tag.name.lower(): tag for tag in Tag.objects.filter(user=user)}
    for number, row in enumerate(rows, start=1):
        try:
            name = clipped(row.get("name"), 40).strip()
            if not name:
                continue
            values = {
                "is_musical": bool(row.get("is_musical")),
                "position": whole(row.get("position") or 0, 0, 32767),
                "archived": bool(row.get("archived")),
            }
            with transaction.atomic():
                tag = tags.get(name.lower())
                if tag is None:
                    tags[name.lower()] = Tag.objects.create(user=user, name=name, **values)
                else:
                    Tag.objects.filter(pk=tag.pk).update(**values)
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"tag {number}: {error}")
    return tags


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
        felt_at=when(row.get("felt_at")),
        local_date=dt.date.fromisoformat(str(row.get("local_date"))),
        time_zone=clipped(row.get("time_zone"), 64) or user.time_zone,
        pleasantness=mood(row.get("pleasantness")),
        energy=mood(row.get("energy")),
        energy_estimated=bool(row.get("energy_estimated")),
        source=str(row["source"])
        if row.get("source") in CheckIn.Source.values
        else CheckIn.Source.ARCHIVE,
        import_key=clipped(row.get("import_key") or str(original), 64),
    )
    note = clipped(row.get("note"), 1_000_000)
    links = [
        CheckInTrack(
            track=tracks[link.get("track")],
            pleasantness=maybe_mood(link.get("pleasantness")),
            energy=maybe_mood(link.get("energy")),
            position=whole(link.get("position") or 0, 0, 32767),
        )
        for link in row.get("tracks") or []
        if link.get("track") in tracks
    ]
    return _Pending(
        checkin=checkin,
        note="" if note in UNREADABLE_NOTES else note,
        words=list({words[w] for w in _names(row.get("words") or []) if w in words}),
        tags=list({tags[t] for t in _names(row.get("tags") or []) if t in tags}),
        links=list({link.track.pk: link for link in links}.values()),
        times={
            name: value
            for name in ("created_at", "updated_at")
            if (value := maybe_when(row.get(name)))
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
    index_notes((p.checkin.user_id, p.checkin.pk, p.note) for p in batch if p.note)


def _import_checkins(
    user: User,
    rows: Iterable[dict[str, Any]],
    words: dict[str, EmotionWord],
    tags: dict[str, Tag],
    tracks: dict[object, Track],
    report: ImportReport,
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
                    report.bad_row(None, UNREADABLE, f"check-in {pending.checkin.uuid}: {error}")
                    report.imported -= 1
        batch.clear()

    for number, row in enumerate(rows, start=1):
        key = str(row.get("import_key") or row.get("uuid") or "")
        if key in seen or str(row.get("uuid")) in seen:
            report.add_duplicates()
            continue
        try:
            batch.append(_read_checkin(user, row, words, tags, tracks))
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"check-in {number}: {error}")
            continue
        seen.add(key)
        report.add_imported()
        if len(batch) >= CHUNK:
            flush()
    flush()


# An imported week is history: it is never emailed again.
_REFLECTION_DONE = {WeeklyReflection.Status.SENT, WeeklyReflection.Status.SKIPPED}


def reflection_week(value: Any) -> dt.date:
    """A reflection's week start from an archive: from 1900 on, and a week
    that ends inside the calendar; anything else is refused (ValueError). A
    week in the calendar's last days once made the reflection list fail on
    every visit."""
    week_start = dt.date.fromisoformat(str(value))
    if not dt.date(1900, 1, 1) <= week_start <= dt.date.max - dt.timedelta(days=6):
        raise ValueError(f"{week_start} is not the start of a week Attune could have written")
    return week_start


def reflection_content(value: Any) -> dict[str, Any]:
    """The content in the shape Attune stores: read as ReflectionContent and
    written again, so a field of the wrong kind is dropped or defaulted here,
    not met by the reflection pages later. A reflection with nothing to say
    (a skipped week) has empty content, and keeps it."""
    if value is None or value == {}:
        return {}
    if not isinstance(value, dict):
        raise ValueError("the reflection's content is not an object")
    return ReflectionContent.from_stored(value).to_stored()


def _import_reflections(user: User, rows: Iterable[dict[str, Any]], report: ImportReport) -> None:
    existing = set(WeeklyReflection.objects.filter(user=user).values_list("week_start", flat=True))
    for number, row in enumerate(rows, start=1):
        try:
            week_start = reflection_week(row.get("week_start"))
            if week_start in existing:
                continue
            status = row.get("status")
            content = reflection_content(row.get("content"))
            created = maybe_when(row.get("created_at"))
            with transaction.atomic():
                reflection = WeeklyReflection.objects.create(
                    user=user,
                    week_start=week_start,
                    content=content,
                    status=status
                    if status in _REFLECTION_DONE
                    else WeeklyReflection.Status.SKIPPED,
                    sent_at=maybe_when(row.get("sent_at")),
                )
                if created:
                    WeeklyReflection.objects.filter(pk=reflection.pk).update(created_at=created)
        except ROW_ERRORS as error:
            report.bad_row(None, UNREADABLE, f"reflection {number}: {error}")
            continue
        existing.add(week_start)
        report.count("reflections")


def import_archive(
    user: User, data: dict[str, Any] | StreamedArchive, report: ImportReport | None = None
) -> ImportReport:
    """Bring an archive (from read_archive, or streamed from a checked upload)
    into `user`'s account, all or nothing. Running it twice adds nothing the
    second time."""
    report = report if report is not None else ImportReport()
    with transaction.atomic():
        words = _import_words(user, section_rows(data, "emotion_words"), report)
        tags = _import_tags(user, section_rows(data, "tags"), report)
        tracks = import_tracks(user, section_rows(data, "tracks"), report)
        _import_checkins(user, section_rows(data, "checkins"), words, tags, tracks, report)
        import_listens(user, section_rows(data, "listens"), tracks, report)
        import_user_tracks(user, section_rows(data, "user_tracks"), tracks, report)
        import_playlists(user, section_rows(data, "playlists"), tracks, report)
        _import_reflections(user, section_rows(data, "reflections"), report)
        # A day figure already here stays as it is (and is not counted).
        rows = section_rows(data, "day_attributes")
        added, _kept, problems = day_attributes.import_rows(user, rows)
        report.count("day_attributes", added)
        for problem in problems:
            report.bad_row(None, UNREADABLE, problem)
    return report
