"""Journal imports as background jobs, on the shared framework
(music.imports.jobs; importers registered in journal/imports/registered.py).

Between upload and job, the file waits as a *draft* (stored here, named in the
session) while the person maps columns and places moods; only then does it
become an ImportJob, so a worker never sees a half-configured import.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.queue import send_now
from journal.imports.mapped_csv import Mapping, import_mapped_csv
from journal.imports.registered import JOURNAL_KINDS
from journal.imports.result import ImportResult
from music.imports import jobs as framework
from music.models import ImportJob

logger = logging.getLogger(__name__)

DRAFT_DIR = "imports/journal-drafts"

__all__ = ["JOURNAL_KINDS", "can_restart", "restart", "start_job", "store_draft"]


def store_draft(user: User, upload: IO[bytes]) -> str:
    """Save an uploaded file while its import is being set up; returns its name."""
    return default_storage.save(f"{DRAFT_DIR}/{user.pk}/{uuid.uuid4().hex}.csv", upload)


def discard_draft(stored_path: str) -> None:
    if stored_path:
        try:
            default_storage.delete(stored_path)
        except OSError:
            logger.warning("Could not delete an import draft", exc_info=True)


def start_job(
    user: User, kind: str, stored_path: str, file_name: str, mapping: Mapping
) -> ImportJob:
    """Turn a draft into a queued import job (the framework keeps its own copy).

    The job row is committed before the worker is woken; if the broker can't be
    reached then, the job stays queued (its page offers to start it again)
    instead of the upload being lost to an error page.
    """
    job: ImportJob | None = None
    try:
        with transaction.atomic(), default_storage.open(stored_path, "rb") as binary:
            job = framework.create_job(
                user,
                kind,
                File(binary, name=file_name),  # type: ignore[arg-type]
                mapping.to_options(),
            )
    except Exception as error:
        if job is None:
            raise
        # Raised by the on-commit publish, after the job was saved.
        logger.warning("Broker unavailable, import job %s waits in the queue: %r", job.pk, error)
    discard_draft(stored_path)
    assert job is not None
    return job


def can_restart(job: ImportJob) -> bool:
    """A job still queued after a minute probably missed its worker (broker down)."""
    waited = timezone.now() - job.created_at
    return job.status == ImportJob.Status.QUEUED and waited > dt.timedelta(minutes=1)


def restart(job: ImportJob) -> bool:
    """Wake a worker for a job still waiting; False when the broker is unreachable.
    Safe to repeat: the framework claims a job with a conditional UPDATE."""
    from music.tasks import run_import

    return send_now(run_import, job.pk)


def import_file(user: User, path: str, mapping: Mapping) -> ImportResult:
    """Run an import in this process (the import_journal command), no job."""
    with open(path, "rb") as binary:
        return import_mapped_csv(user, binary, mapping, file_name=path)
