"""The import pipeline: store an upload as a job, wake a worker, claim and run.

How a job runs
--------------
1. A view validates the upload and calls ``create_job(user, kind, upload,
   options)``: the row is saved, the file copied in chunks to
   ``MEDIA_ROOT/imports/<job id>``, and a worker is woken once the transaction
   commits (``wake_on_commit``). If the broker is down the job simply stays
   queued: the sweeper (imports/sweeper.py) wakes it later.
2. ``run_job(job_id)`` (the body of ``imports.tasks.run_import``) claims the job
   with a conditional UPDATE (queued -> running, or a running job whose lease
   ran out because its worker died, at most ``max_attempts()`` times), checks
   the file looks like its kind (``Kind.sniff``) and calls ``Kind.run`` with
   the file opened ``rb`` and an ``ImportReport``.
3. The job ends ``done`` with the report's counts and a summary, or ``failed``
   with a message the person can act on. The stored file is deleted either way.

Kinds are registered by the apps that own the data (imports/registry.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from config.queue import send_by_name
from imports.models import ImportJob
from imports.registry import KINDS, ImportFormatError, Kind
from imports.report import ImportReport

logger = logging.getLogger(__name__)

RUN_TASK = "imports.tasks.run_import"
SNIFF_BYTES = 64 * 1024
GAVE_UP = (
    "This file could not be imported: it stopped several times before finishing, "
    "so we gave up. Anything already imported is kept; you can upload the file again."
)


def lease() -> dt.timedelta:
    """How long a worker may hold a running job before it counts as dead."""
    return dt.timedelta(seconds=settings.ATTUNE_IMPORT_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.ATTUNE_IMPORT_MAX_ATTEMPTS)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


# ------------------------------------------------------------ waking a worker


def wake(job_id: int) -> bool:
    """Ask a worker to run the job now; False (job left queued) if the broker
    can't be reached. Safe to repeat: the job is claimed with a conditional UPDATE."""
    if not send_by_name(RUN_TASK, job_id):
        return False
    ImportJob.objects.filter(pk=job_id).update(sent_at=timezone.now())
    return True


def wake_on_commit(job_id: int) -> None:
    """Wake a worker once the job's row is committed (so the worker sees it)."""
    transaction.on_commit(lambda: wake(job_id))


# ---------------------------------------------------------------- new jobs


def create_job(
    user: User, kind: str, upload: UploadedFile, options: dict[str, Any] | None = None
) -> ImportJob:
    """Store the upload and queue its import (the worker is woken after commit)."""
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=Path(upload.name or "upload").name[:255],
        options=options or {},
        total_bytes=upload.size or 0,
    )
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / str(job.pk)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job.stored_path = str(path)
    job.total_bytes = path.stat().st_size
    job.save(update_fields=["stored_path", "total_bytes"])
    wake_on_commit(job.pk)
    return job


def create_job_from_path(
    user: User, kind: str, path: Path, options: dict[str, Any] | None = None
) -> ImportJob:
    """A job over a file already on disk (the import_music command), run in this
    process; the file is not copied and not deleted afterwards."""
    return ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=path.name[:255],
        stored_path=str(path),
        options={**(options or {}), "keep_file": True},
        total_bytes=path.stat().st_size,
    )


# ------------------------------------------------------------ claim and run


def claimable(now: dt.datetime) -> Q:
    """Jobs a worker may take: queued, or running past their lease (worker gone)."""
    return Q(status=ImportJob.Status.QUEUED) | Q(
        status=ImportJob.Status.RUNNING, started_at__lt=now - lease()
    )


def give_up(jobs: Q, now: dt.datetime) -> int:
    """Fail the claimable jobs among `jobs` that are out of attempts, rather than
    leave them "importing" forever."""
    return ImportJob.objects.filter(jobs, claimable(now), attempts__gte=max_attempts()).update(
        status=ImportJob.Status.FAILED, finished_at=now, message=GAVE_UP
    )


def claim(job_id: int) -> ImportJob | None:
    """Take the job for this worker, or None if someone else has it or it is over.

    A running job is taken over only once its lease has run out (longer than
    the task time limit, so a live worker never loses its job): its worker was
    killed, and the sweeper or the broker delivered it again.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            claimable(now), pk=job_id, attempts__lt=max_attempts()
        ).update(status=ImportJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
    if updated:
        return ImportJob.objects.select_related("user").get(pk=job_id)
    give_up(Q(pk=job_id), now)
    return None


def _finish(job: ImportJob, report: ImportReport, status: str, message: str) -> None:
    fields = report.fields()
    if status == ImportJob.Status.DONE:
        fields["processed_bytes"] = job.total_bytes
    # The kind may have written options while it ran (a playlist's id); keep them.
    options = ImportJob.objects.filter(pk=job.pk).values_list("options", flat=True).first() or {}
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message[:500],
        finished_at=timezone.now(),
        options={**options, "result": report.extras()},
        **fields,
    )


def _remove_file(job: ImportJob) -> None:
    if job.stored_path and not job.options.get("keep_file"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(job.stored_path)


def _run_kind(job: ImportJob, kind: Kind, report: ImportReport) -> None:
    try:
        handle = open(job.stored_path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        raise ImportFormatError(
            "The uploaded file is no longer here. Please upload it again."
        ) from None
    with handle:
        head = handle.read(SNIFF_BYTES)
        if not head.strip():
            raise ImportFormatError("This file is empty, so there was nothing to import.")
        problem = kind.sniff(head, job.file_name) if kind.sniff else None
        if problem:
            raise ImportFormatError(problem)
        handle.seek(0)
        report.stream = handle
        kind.run(job, handle, report)


def run_job(job_id: int) -> ImportJob | None:
    """Claim and run one import job. Returns the finished job, or None when it
    was not ours to run."""
    job = claim(job_id)
    if job is None:
        if not ImportJob.objects.filter(pk=job_id).exists():
            # The account (and its job) was deleted before the import ran.
            with contextlib.suppress(FileNotFoundError):
                (upload_dir() / str(int(job_id))).unlink()
        return None
    report = ImportReport(job)
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise ImportFormatError("We don't know how to import this kind of file.")
        _run_kind(job, kind, report)
        summary = kind.summarize(report) if kind.summarize else report.summary()
        _finish(job, report, ImportJob.Status.DONE, summary)
    except ImportFormatError as error:
        _finish(job, report, ImportJob.Status.FAILED, str(error))
    except SoftTimeLimitExceeded:
        _finish(
            job,
            report,
            ImportJob.Status.FAILED,
            "This file took too long to import here. Everything up to this point is "
            "kept; uploading it again carries on where it stopped.",
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            report,
            ImportJob.Status.FAILED,
            "Something went wrong while importing this file. Anything already imported "
            "is kept; please try again, and tell us if it keeps happening.",
        )
    _remove_file(job)
    job.refresh_from_db()
    return job


def uploaded_files(user: User) -> list[Path]:
    """The files this person's import jobs keep (for erasing the account); never
    anything outside the uploads folder."""
    root = Path(settings.MEDIA_ROOT).resolve()
    files = []
    stored = ImportJob.objects.filter(user=user).exclude(stored_path="")
    for value in stored.values_list("stored_path", flat=True):
        path = Path(value)
        path = (path if path.is_absolute() else root / path).resolve()
        if path.is_relative_to(root):
            files.append(path)
    return files
