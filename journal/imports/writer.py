"""Turning parsed journal rows into check-ins, in batches, exactly once.

Idempotency rule: every imported row gets `CheckIn.import_key`, a SHA-256 of
the row's identifying fields — its local date, local time, mood name (case and
spaces ignored) and note text (title and body, line endings normalised). The
database holds at most one check-in per user and key, so importing the same
file again, an overlapping later export, or the same entries through the
column-mapping screen adds nothing. Tags are not part of the key: a row whose
activities changed since the last export is still "already there".
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import User
from config.rows import insert_rows
from imports.report import ImportReport
from journal.models import CheckIn, DayAttribute, Tag
from journal.search import index_notes

BATCH_SIZE = 500
TAG_MAX_CHARS = 40
MAX_NEW_TAGS = 300
KEY_VERSION = "attune-journal-import-v1"


@dataclass(frozen=True)
class Entry:
    """One row of a journal, understood."""

    line: int
    local_date: dt.date
    local_time: dt.time
    pleasantness: int
    energy: int
    energy_estimated: bool
    mood_label: str
    tags: tuple[str, ...] = ()
    note: str = ""
    # For rows that carried their own UTC offset; otherwise computed from the zone.
    felt_at: dt.datetime | None = None
    # Day attributes from mapped columns: (kind, value). Not part of the key: a
    # row seen again updates its day's figures.
    attributes: tuple[tuple[str, Decimal], ...] = ()


def normalise_note(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def import_key(entry: Entry) -> str:
    parts = [
        KEY_VERSION,
        entry.local_date.isoformat(),
        entry.local_time.strftime("%H:%M:%S"),
        " ".join(entry.mood_label.split()).casefold(),
        normalise_note(entry.note),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def local_to_utc(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time in `zone` as UTC.

    fold=0 makes both DST edge cases come out as a person would expect: a time
    that does not exist (the hour skipped in spring) moves forward by the gap
    (02:30 → 03:30), and a time that happens twice (autumn) is the first one.
    """
    wall = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0)).replace(tzinfo=zone)
    return wall.astimezone(dt.UTC)


def clean_tag(name: str) -> str:
    return " ".join(name.split())[:TAG_MAX_CHARS].strip()


def note_limit() -> int:
    return int(settings.ATTUNE_IMPORT_NOTE_MAX_CHARS)


class TagBook:
    """The user's tags by lower-case name, creating missing ones as needed."""

    def __init__(self, user: User, result: ImportReport) -> None:
        self.user = user
        self.result = result
        self.ids: dict[str, int] = {
            name.casefold(): pk
            for pk, name in Tag.objects.filter(user=user).values_list("pk", "name")
        }
        self.created = 0

    def ids_for(self, entries: list[Entry]) -> None:
        missing: dict[str, tuple[str, int]] = {}
        for entry in entries:
            for name in entry.tags:
                key = name.casefold()
                if key in self.ids or key in missing:
                    continue
                if self.created + len(missing) >= MAX_NEW_TAGS:
                    self.result.warn(
                        entry.line,
                        f"the activity {name!r} was not added as a tag: this import already "
                        f"created {MAX_NEW_TAGS} new tags",
                    )
                    continue
                missing[key] = (name, entry.line)
        if not missing:
            return
        top = Tag.objects.filter(user=self.user).aggregate(top=Max("position"))["top"] or 0
        Tag.objects.bulk_create(
            [
                Tag(user=self.user, name=name, position=min(32767, top + 1 + index))
                for index, (name, _line) in enumerate(missing.values())
            ],
            ignore_conflicts=True,
        )
        self.created += len(missing)
        for pk, name in Tag.objects.filter(user=self.user).values_list("pk", "name"):
            self.ids.setdefault(name.casefold(), pk)


class CheckInWriter:
    """Collects entries and saves them as check-ins a batch at a time."""

    def __init__(
        self,
        user: User,
        source: str,
        zone: ZoneInfo,
        result: ImportReport,
        on_flush: Callable[[], None] | None = None,
    ) -> None:
        self.user = user
        self.source = source
        self.zone = zone
        self.zone_name = getattr(zone, "key", "UTC")
        self.result = result
        self.on_flush = on_flush
        self.pending: list[Entry] = []
        self.tags = TagBook(user, result)

    def add(self, entry: Entry) -> None:
        self.pending.append(entry)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if batch:
            self._save(batch)
        if self.on_flush:
            self.on_flush()

    def _save(self, batch: list[Entry]) -> None:
        keyed: dict[str, Entry] = {}
        for entry in batch:
            self.result.saw_date(entry.local_date)
            key = import_key(entry)
            if key in keyed:
                self.result.duplicates += 1  # the same row twice in one file
            else:
                keyed[key] = entry
        self.tags.ids_for(list(keyed.values()))
        self._save_attributes(batch)
        for attempt in range(2):
            existing = set(
                CheckIn.objects.filter(user=self.user, import_key__in=list(keyed)).values_list(
                    "import_key", flat=True
                )
            )
            fresh = {key: entry for key, entry in keyed.items() if key not in existing}
            try:
                with transaction.atomic():
                    self._insert(fresh)
            except IntegrityError:
                # Another run of the same file got there between our check and insert;
                # look again (the unique constraint decides).
                if attempt:
                    raise
                continue
            self.result.duplicates += len(existing)
            self.result.imported += len(fresh)
            return

    def _save_attributes(self, batch: list[Entry]) -> None:
        """Each day's figures; a later row of the same day and kind wins."""
        figures = {
            (entry.local_date, kind): value for entry in batch for kind, value in entry.attributes
        }
        if not figures:
            return
        DayAttribute.objects.bulk_create(
            [
                DayAttribute(user=self.user, local_date=day, kind=kind, value=value)
                for (day, kind), value in figures.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "local_date", "kind"],
            update_fields=["value"],
        )

    def _insert(self, fresh: dict[str, Entry]) -> None:
        limit = note_limit()
        checkins: list[CheckIn] = []
        notes: list[str] = []
        for key, entry in fresh.items():
            felt_at = entry.felt_at or local_to_utc(entry.local_date, entry.local_time, self.zone)
            checkin = CheckIn(
                user=self.user,
                felt_at=felt_at,
                local_date=entry.local_date,
                time_zone=self.zone_name,
                pleasantness=entry.pleasantness,
                energy=entry.energy,
                energy_estimated=entry.energy_estimated,
                source=self.source,
                import_key=key,
                import_label=" ".join(entry.mood_label.split()).casefold()[:60],
            )
            note = normalise_note(entry.note)
            if len(note) > limit:
                self.result.warn(
                    entry.line,
                    f"the note was {len(note):,} characters long; its first {limit:,} were kept",
                )
                note = note[:limit]
            checkin.set_note(note)
            checkins.append(checkin)
            notes.append(note)
        CheckIn.objects.bulk_create(checkins)
        links: list[tuple[int, int]] = []
        indexed: list[tuple[int, int, str]] = []
        for checkin, entry, note in zip(checkins, fresh.values(), notes, strict=True):
            tag_ids = {
                self.tags.ids[name.casefold()]
                for name in entry.tags
                if name.casefold() in self.tags.ids
            }
            links.extend((checkin.pk, tag_id) for tag_id in tag_ids)
            if note:
                indexed.append((self.user.pk, checkin.pk, note))
        insert_rows(CheckIn.tags.through, ("checkin_id", "tag_id"), links)
        index_notes(indexed)  # one search index row per note, one insert per batch
