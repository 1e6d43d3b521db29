"""Journal imports as background jobs, on the import pipeline (imports.jobs;
the kinds are registered in journal/imports/registered.py).

Between upload and job, the file waits as a *draft* (stored here, named in the
session) while the person maps columns and places moods; only then does it
become an ImportJob, so a worker never sees a half-configured import.
"""

from __future__ import annotations

import logging
import uuid
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from imports import jobs as pipeline
from imports.models import ImportJob
from imports.report import ImportReport
from journal.imports.mapped_csv import Mapping, import_mapped_csv
from journal.imports.registered import JOURNAL_KINDS

logger = logging.getLogger(__name__)

DRAFT_DIR = "imports/journal-drafts"

__all__ = ["JOURNAL_KINDS", "start_job", "store_draft"]


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
    """Turn a draft into a queued import job (the pipeline keeps its own copy).

    The job row is committed before the worker is woken; if the broker can't be
    reached then, the job stays queued (the sweeper wakes it later, and its page
    offers to try again) instead of the upload being lost to an error page.
    """
    with transaction.atomic(), default_storage.open(stored_path, "rb") as binary:
        job = pipeline.create_job(
            user,
            kind,
            File(binary, name=file_name),  # type: ignore[arg-type]
            mapping.to_options(),
        )
    discard_draft(stored_path)
    return job


def import_file(user: User, path: str, mapping: Mapping) -> ImportReport:
    """Run an import in this process (the import_journal command), no job."""
    with open(path, "rb") as binary:
        return import_mapped_csv(user, binary, mapping, file_name=path)
