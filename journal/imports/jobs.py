"""Journal imports as background jobs (music.models.ImportJob, kinds "daylio"
and "journal_csv"), run by the Celery task journal.tasks.run_journal_import.

The job's options hold the whole column mapping and mood placement
(mapped_csv.Mapping.to_options), so a worker needs nothing but the job id.
A worker claims a job with a conditional UPDATE (queued → running); a job left
"running" by a worker that died is taken over once its lease has run out, at
most MAX_ATTEMPTS times. Running twice is harmless anyway: rows are keyed
(writer.import_key) and the database keeps one check-in per key.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from enum import StrEnum
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from journal.imports.csvfile import ByteCounter, NotACsvFile
from journal.imports.mapped_csv import Mapping, MappingError, import_mapped_csv
from journal.imports.result import ImportResult
from music.models import ImportJob

logger = logging.getLogger(__name__)

JOURNAL_KINDS = ("daylio", "journal_csv")
MAX_ATTEMPTS = 3
# Longer than the task time limit: a "running" job older than this has no live worker.
LEASE = dt.timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 600)) + 60)
UPLOAD_DIR = "imports/journal"


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    BUSY = "busy"  # another worker holds it; try again after the lease
    GONE = "gone"  # nothing to do (finished, unknown, or out of attempts)


def store_upload(user: User, upload: IO[bytes]) -> str:
    """Save an uploaded file where workers can read it; returns its storage name."""
    name = f"{UPLOAD_DIR}/{user.pk}/{uuid.uuid4().hex}.csv"
    return default_storage.save(name, upload)


def discard_upload(stored_path: str) -> None:
    if stored_path:
        try:
            default_storage.delete(stored_path)
        except OSError:
            logger.warning("Could not delete an import upload", exc_info=True)


def create_job(
    user: User, kind: str, stored_path: str, file_name: str, mapping: Mapping
) -> ImportJob:
    try:
        size = default_storage.size(stored_path)
    except OSError:
        size = 0
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=file_name[:255],
        stored_path=stored_path,
        options=mapping.to_options(),
        total_bytes=size,
    )
    enqueue(job.pk)
    return job


def enqueue(job_id: int) -> None:
    def send() -> None:
        from journal.tasks import run_journal_import

        try:
            run_journal_import.delay(job_id)
        except Exception:
            # The broker is down: the job stays queued and its page offers to start it
            # again; nothing the person did is lost.
            logger.warning("Could not queue journal import job %s", job_id, exc_info=True)

    transaction.on_commit(send)


def can_restart(job: ImportJob) -> bool:
    waited = timezone.now() - job.created_at
    return job.status == ImportJob.Status.QUEUED and waited > dt.timedelta(minutes=1)


def claim(job_id: int) -> Outcome | None:
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        | Q(status=ImportJob.Status.RUNNING, started_at__lt=now - LEASE),
        pk=job_id,
        kind__in=JOURNAL_KINDS,
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=ImportJob.Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
    if claimed:
        return None
    job = ImportJob.objects.filter(pk=job_id, kind__in=JOURNAL_KINDS).first()
    if job is None or job.is_finished:
        return Outcome.GONE
    if job.attempts >= MAX_ATTEMPTS:
        finish_failed(
            job,
            "This import stopped several times before it could finish. What came in is "
            "kept; please try again, or ask whoever runs Attune to use import_journal.",
        )
        return Outcome.GONE
    return Outcome.BUSY


def run_job(job_id: int) -> Outcome:
    """Claim the job, import its file, record the summary, delete the upload."""
    busy = claim(job_id)
    if busy is not None:
        return busy
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    try:
        mapping = Mapping.from_options(job.options)
        with default_storage.open(job.stored_path, "rb") as binary:
            counter = ByteCounter(binary)

            def progress(result: ImportResult) -> None:
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_bytes=counter(),
                    imported=result.imported,
                    duplicates=result.duplicates,
                    skipped=dict(result.skipped),
                )

            result = import_mapped_csv(
                job.user, binary, mapping, file_name=job.file_name, progress=progress
            )
    except (NotACsvFile, MappingError) as problem:
        finish_failed(job, str(problem))
        return Outcome.FAILED
    except FileNotFoundError:
        finish_failed(job, "The uploaded file is no longer there. Please upload it again.")
        return Outcome.FAILED
    except Exception:
        logger.exception("Journal import job %s failed", job.pk)
        finish_failed(
            job,
            "Something went wrong while importing. What came in so far is kept, and "
            "importing the same file again will not add anything twice.",
        )
        return Outcome.FAILED
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        processed_bytes=job.total_bytes,
        imported=result.imported,
        duplicates=result.duplicates,
        skipped=dict(result.skipped),
        bad_rows=result.bad_rows,
        message=result.summary_sentence()[:500],
        finished_at=timezone.now(),
    )
    discard_upload(job.stored_path)
    return Outcome.DONE


def finish_failed(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )
    discard_upload(job.stored_path)


def import_file(user: User, path: str, mapping: Mapping) -> ImportResult:
    """Run an import in this process (the import_journal command), no job."""
    with open(path, "rb") as binary:
        return import_mapped_csv(user, binary, mapping, file_name=path)
