"""Delete an account and everything tied to it ("Your data", /settings/delete/).

The user row cascades to every row that points at it (check-ins and their
words, tags, tracks and search tokens, listens, ratings, playlists,
reflections, import jobs, queued account emails, ...). Beyond the cascade
each app cleans what is not linked by a foreign key, through its own
functions: the person's sessions on every device (found by their user
column, no other session is read), login-attempt records and invitations to
their address (accounts.sessions.forget_account), the files they uploaded for
import (imports.jobs.uploaded_files, and each job's own upload path), their
journal-import drafts (journal.imports.drafts), and catalogue tracks (and
artists) that nobody else has (music.erasure). A reflection queued for them
is gone with the row, so its task finds nothing to send.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction

from accounts.models import User
from accounts.sessions import forget_account
from imports.jobs import upload_dir, uploaded_files
from imports.models import ImportJob
from journal.imports.drafts import erase_drafts
from journal.models import CheckInTrack
from music.erasure import delete_orphan_tracks, tracks_of

logger = logging.getLogger(__name__)


def files_of(user: User) -> list[Path]:
    """Every upload of this person's import jobs: the path a job names, and the
    path a job's upload is written to before the row names it."""
    files = uploaded_files(user)
    for job_id in ImportJob.objects.filter(user=user).values_list("pk", flat=True):
        files.append(upload_dir() / str(job_id))
    return files


def delete_account(user: User) -> None:
    """Remove the account and everything tied to it, for good."""
    files = files_of(user)
    user_id = user.pk
    with transaction.atomic():
        track_ids = tracks_of(user)
        track_ids |= set(
            CheckInTrack.objects.filter(checkin__user=user).values_list("track_id", flat=True)
        )
        forget_account(user)
        user.delete()
        delete_orphan_tracks(track_ids)
    for path in files:
        path.unlink(missing_ok=True)
    erase_drafts(user_id)
    logger.info("An account was deleted at its owner's request.")
