"""Delete an account and everything tied to it.

The user row cascades to every row that points at it (check-ins and their
words, tags, tracks and search tokens, listens, ratings, playlists,
reflections, import jobs, ...). Beyond the cascade this also removes what is
not linked by a foreign key: the person's sessions on every device, the files
they uploaded for import, the login-attempt records kept under their email,
and catalogue tracks (and artists) that nobody else has.
A reflection queued for them is gone with the row, so its task finds nothing
to send.
"""

from __future__ import annotations

import logging
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from accounts.models import User
from journal.models import CheckInTrack
from music.models import Artist, ImportJob, Listen, PlaylistItem, Track, UserTrack

logger = logging.getLogger(__name__)


def session_keys_of(user: User) -> list[str]:
    """Keys of the live sessions logged in as `user`, on any device."""
    wanted = str(user.pk)
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=1000):
        data = session.get_decoded()
        if data.get(SESSION_KEY) == wanted:
            keys.append(session.session_key)
    return keys


def end_sessions(user: User) -> int:
    keys = session_keys_of(user)
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _uploaded_files(user: User) -> list[Path]:
    root = Path(settings.MEDIA_ROOT).resolve()
    files = []
    for stored in (
        ImportJob.objects.filter(user=user)
        .exclude(stored_path="")
        .values_list("stored_path", flat=True)
    ):
        path = Path(stored)
        path = (path if path.is_absolute() else root / path).resolve()
        if path.is_relative_to(root):  # never touch anything outside the uploads folder
            files.append(path)
    return files


def _tracks_of(user: User) -> set[int]:
    ids = set(Listen.objects.filter(user=user).values_list("track_id", flat=True))
    ids |= set(UserTrack.objects.filter(user=user).values_list("track_id", flat=True))
    ids |= set(CheckInTrack.objects.filter(checkin__user=user).values_list("track_id", flat=True))
    ids |= set(PlaylistItem.objects.filter(playlist__user=user).values_list("track_id", flat=True))
    return ids


def _unreferenced(model: type[Model], ids: set[int]) -> QuerySet[Model]:
    """Rows of `model` among `ids` that no row of any model points at."""
    rows = model._default_manager.filter(pk__in=ids)
    for relation in model._meta.related_objects:
        related = relation.related_model
        field = relation.field
        if relation.many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr,attr-defined]
            target = next(
                f.attname
                for f in through._meta.fields
                if getattr(f, "related_model", None) is model and f.concrete
            )
            rows = rows.exclude(pk__in=through._default_manager.values(target))
        else:
            rows = rows.exclude(pk__in=related._default_manager.values(field.attname))  # type: ignore[union-attr]
    return rows


def _delete_orphan_tracks(track_ids: set[int]) -> None:
    """Catalogue entries only this person had would still say what they listened to."""
    orphans = _unreferenced(Track, track_ids)
    artist_ids = set(orphans.values_list("artist_id", flat=True))
    orphans.delete()
    _unreferenced(Artist, artist_ids).delete()


def delete_account(user: User) -> None:
    """Remove the account and everything tied to it, for good."""
    files = _uploaded_files(user)
    email = user.email
    with transaction.atomic():
        track_ids = _tracks_of(user)
        end_sessions(user)
        user.delete()
        _delete_orphan_tracks(track_ids)
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=email).delete()
    for path in files:
        path.unlink(missing_ok=True)
    logger.info("An account was deleted at its owner's request.")
