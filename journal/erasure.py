"""Delete an account and everything tied to it ("Your data", /settings/delete/).

The user row cascades to every row that points at it (check-ins and their
words, tags, tracks and search tokens, listens, ratings, playlists,
reflections, import jobs, ...). Beyond the cascade each app cleans what is not
linked by a foreign key, through its own functions: the person's sessions on
every device and their login-attempt records (accounts.sessions), the files
they uploaded for import (imports.jobs.uploaded_files), and catalogue tracks
(and artists) that nobody else has (music.erasure). A reflection queued for
them is gone with the row, so its task finds nothing to send.
"""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import User
from accounts.sessions import end_sessions, forget_login_attempts
from imports.jobs import uploaded_files
from journal.models import CheckInTrack
from music.erasure import delete_orphan_tracks, tracks_of

logger = logging.getLogger(__name__)


def delete_account(user: User) -> None:
    """Remove the account and everything tied to it, for good."""
    files = uploaded_files(user)
    email = user.email
    with transaction.atomic():
        track_ids = tracks_of(user)
        track_ids |= set(
            CheckInTrack.objects.filter(checkin__user=user).values_list("track_id", flat=True)
        )
        end_sessions(user)
        user.delete()
        delete_orphan_tracks(track_ids)
        forget_login_attempts(email)
    for path in files:
        path.unlink(missing_ok=True)
    logger.info("An account was deleted at its owner's request.")
