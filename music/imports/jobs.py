"""Import jobs: an uploaded file, imported by a Celery worker, with progress and
a summary. Shared by the music importers and the mood-journal importers.

How a job runs
--------------
1. The view validates the form (size limit; BodySizeLimitMiddleware has already
   refused oversized bodies with a 413) and calls
   ``create_job(user, kind, uploaded_file, options)``: the file is copied in
   chunks to ``MEDIA_ROOT/imports/<job id>`` and ``music.tasks.run_import`` is
   enqueued once the transaction commits.
2. ``run_job(job_id)`` (the task body; ``import_music`` calls it directly)
   claims the job with a conditional UPDATE (queued -> running, or a running job
   whose worker died, at most ``MAX_ATTEMPTS`` times), checks the file looks like
   the claimed format (``Importer.sniff``), and calls the importer with the file
   opened in binary mode.
3. The job ends ``done`` with a summary (imported, already there, skipped by
   reason, the first bad rows with line numbers) or ``failed`` with a message
   the user can act on. The stored file is deleted either way.

Writing an importer
-------------------
An importer is a function ``run(job, stream, report) -> None``:

- ``job`` is the ``ImportJob`` (``job.user``, ``job.options`` for e.g. a
  column mapping, ``job.file_name``);
- ``stream`` is the uploaded file opened ``rb`` (seekable, so ``zipfile`` works;
  wrap it in ``text_stream(stream)`` for CSV/JSON lines: UTF-8, BOM dropped,
  undecodable bytes replaced);
- ``report`` is an ``ImportReport``: call ``report.imported(n)``,
  ``report.duplicates(n)``, ``report.skip(reason)`` for an expected skip (a
  podcast), ``report.bad_row(line, reason, detail)`` for a row that cannot be
  read (counted under ``reason`` and listed with its line), and
  ``report.tick()`` once per row (it saves progress every ``PROGRESS_EVERY``
  rows). Raise ``ImportFormatError("...")`` when the file is not what it
  claims; the message is shown to the user.

Register it (e.g. in your ``AppConfig.ready``)::

    register(Importer(kind="daylio", label="Daylio CSV export", section="journal",
                      run=import_daylio, sniff=sniff_daylio, accept=".csv",
                      done_url="history", done_label="See your history"))

Show a job (progress while it runs, polled by htmx every second; the summary
when done) with ``{% include "includes/import_job.html" with job=job %}``; it
polls ``music_import_job`` (``/music/import/<id>/``), which serves any kind.

``sniff(head: bytes, filename: str) -> str | None`` gets the first 64 KiB and
returns None when the file looks right, else a message ("This looks like a
Last.fm CSV, not a Daylio export.").
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from music.imports.playlists_io import ImportFormatError
from music.models import ImportJob

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MAX_BAD_ROWS = 20
PROGRESS_EVERY = 500
SNIFF_BYTES = 64 * 1024

__all__ = [
    "ImportFormatError",
    "ImportReport",
    "Importer",
    "create_job",
    "head_text",
    "register",
    "run_job",
    "text_stream",
]


@dataclass(frozen=True)
class Importer:
    kind: str
    label: str
    run: Callable[[ImportJob, BinaryIO, ImportReport], None]
    sniff: Callable[[bytes, str], str | None]
    section: str = "music"
    accept: str = ""
    help: str = ""
    # Where to look once the import is done (a URL name) and the link's words.
    done_url: str = "music_library"
    done_label: str = "See your music"


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


def importers_for(section: str) -> list[Importer]:
    return [imp for imp in IMPORTERS.values() if imp.section == section]


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _encoding(head: bytes) -> str:
    # Spreadsheet programs save "Unicode text" as UTF-16 with a byte-order mark.
    return "utf-16" if head[:2] in UTF16_BOMS else "utf-8-sig"


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing."""
    return head.decode(_encoding(head), errors="replace").lstrip("\ufeff")


def text_stream(stream: IO[bytes]) -> io.TextIOWrapper:
    """Text over an uploaded file: UTF-8 (or UTF-16 with a BOM), an optional BOM
    dropped, bad bytes replaced, newlines left alone (the csv module handles
    CRLF and quoted newlines)."""
    peek = getattr(stream, "peek", None)
    head = peek(2)[:2] if peek else b""
    return io.TextIOWrapper(
        stream,  # type: ignore[arg-type]
        encoding=_encoding(head),
        errors="replace",
        newline="",
    )


class ImportReport:
    """Counts what happened and saves progress on the job as it goes."""

    def __init__(self, job: ImportJob, stream: IO[bytes] | None = None) -> None:
        self.job = job
        self.stream = stream
        self.imported_count = 0
        self.duplicate_count = 0
        self.skipped: Counter[str] = Counter()
        self.bad_rows: list[dict[str, Any]] = []
        self.rows = 0
        self.processed_bytes = 0

    def imported(self, n: int = 1) -> None:
        self.imported_count += n

    def duplicates(self, n: int = 1) -> None:
        self.duplicate_count += n

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] += n

    def bad_row(self, line: int | None, reason: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        if len(self.bad_rows) < MAX_BAD_ROWS:
            self.bad_rows.append({"line": line, "reason": reason, "detail": detail[:200]})

    def tick(self, n: int = 1) -> None:
        before = self.rows
        self.rows += n
        if self.rows // PROGRESS_EVERY != before // PROGRESS_EVERY:
            self.save_progress()

    def position(self) -> int:
        if self.stream is None:
            return self.processed_bytes
        try:
            return self.stream.tell()
        except (OSError, ValueError):
            return self.processed_bytes

    def save_progress(self) -> None:
        self.processed_bytes = max(self.processed_bytes, self.position())
        ImportJob.objects.filter(pk=self.job.pk).update(**self._fields())

    def _fields(self) -> dict[str, Any]:
        return {
            "processed_bytes": self.processed_bytes,
            "imported": self.imported_count,
            "duplicates": self.duplicate_count,
            "skipped": dict(self.skipped),
            "bad_rows": self.bad_rows,
        }

    def summary(self) -> str:
        parts = [f"{self.imported_count} imported", f"{self.duplicate_count} already there"]
        parts += [f"{count} skipped ({reason})" for reason, count in self.skipped.items()]
        return ", ".join(parts)


def text_files(
    stream: BinaryIO, wanted: Callable[[str], bool], none_found: str
) -> Iterator[tuple[io.TextIOWrapper, str]]:
    """The text files an upload holds: the members of a zip that `wanted`
    accepts (in name order), or the upload itself. Yields (text, member name)."""
    if stream.read(2) != b"PK":
        stream.seek(0)
        yield text_stream(stream), ""
        return
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise ImportFormatError("This zip file is damaged or incomplete.") from None
    members = sorted(
        (info for info in archive.infolist() if wanted(info.filename)), key=lambda m: m.filename
    )
    if not members:
        raise ImportFormatError(none_found)
    for info in members:
        with archive.open(info) as member:
            yield text_stream(member), info.filename


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def create_job(
    user: User, kind: str, upload: UploadedFile, options: dict[str, Any] | None = None
) -> ImportJob:
    """Store the upload and queue its import (after the transaction commits)."""
    from music.tasks import run_import

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
    run_import.delay_on_commit(job.pk)
    return job


def create_job_from_path(
    user: User, kind: str, path: Path, options: dict[str, Any] | None = None
) -> ImportJob:
    """A job over a file already on disk (the import_music command); not copied,
    not deleted afterwards."""
    return ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=path.name[:255],
        stored_path=str(path),
        options={**(options or {}), "keep_file": True},
        total_bytes=path.stat().st_size,
    )


def claim(job_id: int) -> ImportJob | None:
    """Take the job for this worker, or None if someone else has it or it is over.

    A job still marked running is taken over only when its previous worker must
    be gone (started longer ago than the task time limit): with
    acks_late + reject_on_worker_lost a killed worker's task is delivered again.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
    claimable = Q(status=ImportJob.Status.QUEUED) | Q(
        status=ImportJob.Status.RUNNING, started_at__lt=stale
    )
    with transaction.atomic():
        updated = ImportJob.objects.filter(claimable, pk=job_id, attempts__lt=MAX_ATTEMPTS).update(
            status=ImportJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=now
        )
    if updated:
        return ImportJob.objects.select_related("user").get(pk=job_id)
    # Out of attempts: say so rather than leave it "importing" forever.
    ImportJob.objects.filter(claimable, pk=job_id, attempts__gte=MAX_ATTEMPTS).update(
        status=ImportJob.Status.FAILED,
        finished_at=now,
        message="This import stopped several times before finishing, so we gave up. "
        "Anything already imported is kept; you can upload the file again.",
    )
    return None


def _finish(job: ImportJob, report: ImportReport, status: str, message: str) -> None:
    fields = report._fields()
    if status == ImportJob.Status.DONE:
        fields["processed_bytes"] = job.total_bytes
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, message=message[:500], finished_at=timezone.now(), **fields
    )


def _remove_file(job: ImportJob) -> None:
    if job.stored_path and not job.options.get("keep_file"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(job.stored_path)


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
    importer = IMPORTERS.get(job.kind)
    try:
        if importer is None:
            raise ImportFormatError("We don't know how to import this kind of file.")
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
            problem = importer.sniff(head, job.file_name)
            if problem:
                raise ImportFormatError(problem)
            handle.seek(0)
            report.stream = handle
            importer.run(job, handle, report)
        _finish(job, report, ImportJob.Status.DONE, report.summary())
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
