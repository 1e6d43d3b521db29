"""An Attune archive imported in the background: the "attune-archive" kind of
the import pipeline (imports.jobs).

Every archive, small or large, is stored and imported by a worker, never in
the web request (a 48 MB archive once took a web worker to 2.3 GB): the view
only looks at the first bytes, seals the upload to disk as it streams in and
sends the person to the job's page, which waits on it (small ones finish in
a moment). The upload holds notes in clear, so it is sealed with the note key
in frames (journal/archive_stream.py, bound to the job and its owner); the
worker checks it in one streaming pass (depth and entry caps), imports it in
one transaction (an archive comes in whole or not at all) reading one section
at a time, and the pipeline deletes the sealed file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from imports.jobs import upload_dir, wake_on_commit
from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from journal.archive import ArchiveError
from journal.archive_import import import_archive, read_archive, summary
from journal.archive_stream import MAGIC, SealedReader, StreamedArchive, check_archive, seal_chunks
from journal.crypto import NoteKeyError, decrypt_text

ARCHIVE_JOB_KIND = "attune-archive"


def _job_aad(job: ImportJob) -> bytes:
    return f"attune-archive-upload:{job.pk}:{job.user_id}".encode()


def looks_like_json_object(head: bytes) -> bool:
    """The first bytes of an upload could start an archive (a JSON object)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def queue_archive(user: User, upload: UploadedFile) -> ImportJob:
    """Keep the upload (sealed as it streams in: it holds notes in clear) for a
    worker to check and import."""
    job = ImportJob.objects.create(
        user=user,
        kind=ARCHIVE_JOB_KIND,
        file_name=Path(upload.name or "archive.json").name[:255],
        total_bytes=upload.size or 0,
    )
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"archive-{job.pk}-{uuid.uuid4().hex}.sealed"
    key_id = seal_chunks(upload.chunks(), path, _job_aad(job))
    ImportJob.objects.filter(pk=job.pk).update(stored_path=str(path), options={"key_id": key_id})
    wake_on_commit(job.pk)
    return job


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    key_id = str(job.options.get("key_id", ""))
    try:
        if stream.read(len(MAGIC)) != MAGIC:
            # Sealed whole by an Attune before streaming (a job queued before an upgrade).
            stream.seek(0)
            data: dict[str, Any] | StreamedArchive = read_archive(
                decrypt_text(stream.read(), key_id, _job_aad(job)).encode()
            )
        else:

            def opener() -> IO[bytes]:
                return cast(IO[bytes], SealedReader(job.stored_path, key_id, _job_aad(job)))

            with opener() as clear:
                check_archive(clear)
            data = StreamedArchive(opener)
    except (ArchiveError, NoteKeyError) as error:
        raise ImportFormatError(str(error)) from error
    try:
        import_archive(job.user, data, report)
    except ArchiveError as error:
        report.clear()
        raise ImportFormatError(str(error)) from error
    except Exception:
        report.clear()  # rolled back: an archive comes in whole or not at all
        raise


def register_archive() -> None:
    register(
        Kind(
            kind=ARCHIVE_JOB_KIND,
            label="Attune archive",
            section="archive",
            run=run,
            sniff=None,  # the stored file is sealed; the worker checks it
            accept=".json",
            done_url="journal:history",
            done_label="See your history",
            again_url="accounts:settings",
            summarize=summary,
        )
    )
