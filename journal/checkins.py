"""Recording, changing and removing check-ins.

Every change to a check-in's parts goes through here, so the note's search
index and the music side stay in step: each change that touches a song's
moments (attaching, changing or removing it, a check-in's mood changing, a
delete or an undo) has music.feel, the one writer of a song's derived numbers,
refresh that song's check-in mood and feel.

Deleting is soft: `deleted_at` is set and the check-in disappears from
`CheckIn.objects.live()`; it can be restored for UNDO_SECONDS. Expired
soft-deletes are purged, with their encrypted note and search tokens, by
`purge_expired_deletions`: on beat every few minutes for everyone
(journal.tasks.purge_deleted), and for the user at each delete; nothing reads
them in the meantime because every query goes through `live()`.

A check-in form carries a one-time key (`CheckIn.submit_key`, unique per
user): `record_checkin_once` turns every repeat of one form's post (a double
tap, a retry, back-and-resubmit, an offline tap sent again) into the check-in
the first one made. The database's unique constraint decides, so four posts
at the same moment still make one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone

from accounts.models import zone_or_utc
from config.rows import insert_rows
from journal.models import CheckIn, CheckInTrack, Tag
from journal.search import index_note
from mood.models import EmotionWord
from mood.values import Mood
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import fold_new_checkin, recompute_feel
from music.models import Track

if TYPE_CHECKING:
    from accounts.models import User

UNDO_SECONDS = 120
# A few minutes of slack for clocks that run a little ahead of the server.
FUTURE_SLACK = dt.timedelta(minutes=5)


def local_moment(user: User, date: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock date and time in the user's zone, as an aware UTC datetime.

    A time that does not exist (skipped by a DST change) is read with the
    offset before the change, so it lands just after the jump.
    """
    local = dt.datetime.combine(date, time, tzinfo=user.zone)
    return local.astimezone(dt.UTC)


def local_date_of(felt_at: dt.datetime, zone_name: str) -> dt.date:
    return felt_at.astimezone(zone_or_utc(zone_name)).date()


def _place_in_time(checkin: CheckIn, user: User, felt_at: dt.datetime) -> None:
    checkin.felt_at = felt_at
    checkin.time_zone = user.time_zone
    checkin.local_date = local_date_of(felt_at, user.time_zone)


def create_checkin(
    user: User,
    mood: Mood,
    felt_at: dt.datetime | None = None,
    note: str = "",
    submit_key: uuid.UUID | None = None,
) -> CheckIn:
    """One tap: a check-in with just a mood, now or at a chosen moment."""
    checkin = CheckIn(
        user=user, pleasantness=mood.pleasantness, energy=mood.energy, submit_key=submit_key
    )
    _place_in_time(checkin, user, felt_at or timezone.now())
    if note:
        checkin.set_note(note)  # sealed before the insert: the row's uuid is already known
    checkin.save(force_insert=True)
    if note:
        index_note(checkin, note, fresh=True)
    return checkin


def _ids(objects: Iterable[Model | int]) -> list[int]:
    """Distinct ids, in order, from model instances or ids."""
    ids = (item if isinstance(item, int) else item.pk for item in objects)
    return list(dict.fromkeys(ids))


# A song for a check-in: (a track id from the user's library, or None;
# ('Artist', 'Title') typed by the user, or None; how the song felt, or None).
TrackChoice = tuple[int | None, tuple[str, str] | None, Mood | None]


@transaction.atomic
def record_checkin(
    user: User,
    mood: Mood,
    felt_at: dt.datetime | None = None,
    *,
    words: Iterable[EmotionWord | int] = (),
    tags: Iterable[Tag | int] = (),
    note: str = "",
    track: TrackChoice | None = None,
    submit_key: uuid.UUID | None = None,
) -> CheckIn:
    """A whole check-in at once: the mood and whichever parts were given. A
    song is either the id of a track in the user's library or ('Artist',
    'Title') typed by them (see TrackChoice).
    Written for few queries: the check-in is new, so nothing needs replacing."""
    checkin = create_checkin(user, mood, felt_at, note, submit_key)
    # The check-in is new, so its links are plain inserts (no conflicts to skip).
    insert_rows(
        CheckIn.words.through,
        ("checkin_id", "emotionword_id"),
        [(checkin.pk, pk) for pk in _ids(words)],
    )
    insert_rows(
        CheckIn.tags.through, ("checkin_id", "tag_id"), [(checkin.pk, pk) for pk in _ids(tags)]
    )
    if track is not None:
        picked, typed, feel = track
        if picked is None and typed is not None:
            picked = get_or_create_track(TrackInfo(artist=typed[0], title=typed[1]), user).pk
        if picked is not None:
            p, e = (feel.pleasantness, feel.energy) if feel else (None, None)
            insert_rows(
                CheckInTrack,
                ("checkin_id", "track_id", "pleasantness", "energy", "position"),
                [(checkin.pk, picked, p, e, 0)],
            )
            felt = feel or mood
            fold_new_checkin(user.pk, picked, (felt.pleasantness, felt.energy))
    return checkin


def record_checkin_once(
    user: User,
    submit_key: uuid.UUID,
    mood: Mood,
    felt_at: dt.datetime | None = None,
    **parts: Any,
) -> tuple[CheckIn, bool]:
    """`record_checkin` for a form's post with its one-time key: (the check-in,
    whether this post made it). A repeat answers with the first post's check-in
    (even one deleted since) and changes nothing."""
    try:
        with transaction.atomic():
            return record_checkin(user, mood, felt_at, submit_key=submit_key, **parts), True
    except IntegrityError:
        # A post with this key came first (if at the same moment, the insert
        # waited for it to commit).
        existing = CheckIn.objects.filter(user=user, submit_key=submit_key).first()
        if existing is None:
            raise
        return existing, False


def update_checkin(checkin: CheckIn, mood: Mood, felt_at: dt.datetime) -> None:
    """Change the mood or the moment. The local date follows the user's zone now."""
    checkin.pleasantness, checkin.energy = mood.pleasantness, mood.energy
    _place_in_time(checkin, checkin.user, felt_at)
    checkin.save(
        update_fields=["pleasantness", "energy", "felt_at", "time_zone", "local_date", "updated_at"]
    )
    # The mood of the check-in is part of each attached track's feel.
    _refresh_tracks_of(checkin)


class NoteUnreadable(Exception):
    """The stored note can't be opened with this server's keys, so it is kept."""


@transaction.atomic
def set_note(checkin: CheckIn, text: str) -> None:
    """Encrypt and store the note, and rebuild its search index. A note this
    server can't read is never replaced (NoteUnreadable): the editor would have
    shown nothing to edit, and saving would destroy the only copy."""
    if checkin.note_unreadable:
        raise NoteUnreadable
    checkin.set_note(text)
    checkin.save(update_fields=["note_ciphertext", "note_key_id", "updated_at"])
    index_note(checkin, text)


def set_words(checkin: CheckIn, words: Iterable[EmotionWord | int]) -> None:
    checkin.words.set(list(words))


def set_tags(checkin: CheckIn, tags: Iterable[Tag | int]) -> None:
    checkin.tags.set(list(tags))


@transaction.atomic
def attach_track(
    checkin: CheckIn, track: Track | int, feel: Mood | None = None
) -> tuple[CheckInTrack, bool]:
    """Attach a song (a track or its id) once per check-in; returns (link,
    created). Attaching a song that is already there updates its feel when one
    is given."""
    track_id = track if isinstance(track, int) else track.pk
    link, created = CheckInTrack.objects.get_or_create(
        checkin=checkin,
        track_id=track_id,
        defaults={
            "pleasantness": feel.pleasantness if feel else None,
            "energy": feel.energy if feel else None,
            "position": _next_position(checkin),
        },
    )
    if not created and feel is not None:
        _store_track_feel(link, feel)
    recompute_feel(checkin.user_id, [track_id])
    return link, created


def _next_position(checkin: CheckIn) -> int:
    top = checkin.track_links.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def attach_typed_track(
    checkin: CheckIn, artist: str, title: str, feel: Mood | None = None
) -> tuple[CheckInTrack, bool]:
    """'Artist – Title' typed by the user: find it among their songs or add it."""
    track = get_or_create_track(TrackInfo(artist=artist, title=title), checkin.user_id)
    return attach_track(checkin, track, feel)


def _store_track_feel(link: CheckInTrack, feel: Mood | None) -> None:
    link.pleasantness = feel.pleasantness if feel else None
    link.energy = feel.energy if feel else None
    link.save(update_fields=["pleasantness", "energy"])


@transaction.atomic
def set_track_feel(link: CheckInTrack, feel: Mood | None) -> None:
    """How the song felt in this moment; part of the song's feel."""
    _store_track_feel(link, feel)
    recompute_feel(link.checkin.user_id, [link.track_id])


@transaction.atomic
def detach_track(link: CheckInTrack) -> None:
    user_id, track_id = link.checkin.user_id, link.track_id
    link.delete()
    recompute_feel(user_id, [track_id])


def _refresh_tracks_of(checkin: CheckIn) -> None:
    recompute_feel(checkin.user_id, checkin.track_links.values_list("track_id", flat=True))


@transaction.atomic
def delete_checkin(checkin: CheckIn) -> None:
    """Soft-delete: hidden at once, restorable for UNDO_SECONDS."""
    purge_expired_deletions(checkin.user_id)
    checkin.deleted_at = timezone.now()
    checkin.save(update_fields=["deleted_at", "updated_at"])
    _refresh_tracks_of(checkin)


def can_undo(checkin: CheckIn, now: dt.datetime | None = None) -> bool:
    if checkin.deleted_at is None:
        return False
    return (now or timezone.now()) - checkin.deleted_at < dt.timedelta(seconds=UNDO_SECONDS)


@transaction.atomic
def undo_delete(checkin: CheckIn) -> bool:
    """Bring a deleted check-in back if its undo window is still open."""
    if not can_undo(checkin):
        return False
    checkin.deleted_at = None
    checkin.save(update_fields=["deleted_at", "updated_at"])
    _refresh_tracks_of(checkin)
    return True


def purge_expired_deletions(user_id: int | None = None) -> int:
    """Remove for good the check-ins whose undo window has passed."""
    cutoff = timezone.now() - dt.timedelta(seconds=UNDO_SECONDS)
    expired = CheckIn.objects.filter(deleted_at__lt=cutoff)
    if user_id is not None:
        expired = expired.filter(user_id=user_id)
    deleted, _ = expired.delete()
    return deleted


def recently_deleted(user: User) -> list[CheckIn]:
    cutoff = timezone.now() - dt.timedelta(seconds=UNDO_SECONDS)
    return list(CheckIn.objects.filter(user=user, deleted_at__gte=cutoff))
