"""An Attune archive imported in the background: the "attune-archive" kind of
the import pipeline (imports.jobs).

Archives up to ``SYNC_LIMIT_BYTES`` are imported while the person waits (the
"your data" view calls journal.archive_import.import_archive); larger ones
(many years of entries) become a job, so no web request runs long. The upload
holds notes in clear, so while it waits it is sealed with the note key
(AES-GCM, bound to the job and its owner); the worker opens it, imports it in
one transaction (an archive comes in whole or not at all) and the pipeline
deletes the sealed file.
"""

from __future__ import annotations

import uuid
from typing import BinaryIO

from accounts.models import User
from imports.jobs import upload_dir, wake_on_commit
from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from journal.archive import ArchiveError
from journal.archive_import import import_archive, read_archive, summary
from journal.crypto import NoteKeyError, decrypt_text, encrypt_text

ARCHIVE_JOB_KIND = "attune-archive"
SYNC_LIMIT_BYTES = 1_000_000


def _job_aad(job: ImportJob) -> bytes:
    return f"attune-archive-upload:{job.pk}:{job.user_id}".encode()


def queue_archive(user: User, raw: bytes, file_name: str) -> ImportJob:
    """Keep the upload (sealed: it holds notes in clear) for a worker to import."""
    job = ImportJob.objects.create(
        user=user, kind=ARCHIVE_JOB_KIND, file_name=file_name[:255], total_bytes=len(raw)
    )
    blob, key_id = encrypt_text(raw.decode("utf-8-sig"), _job_aad(job))
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"archive-{job.pk}-{uuid.uuid4().hex}.sealed"
    path.write_bytes(blob)
    ImportJob.objects.filter(pk=job.pk).update(stored_path=str(path), options={"key_id": key_id})
    wake_on_commit(job.pk)
    return job


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    try:
        text = decrypt_text(stream.read(), job.options.get("key_id", ""), _job_aad(job))
        data = read_archive(text.encode())
    except (ArchiveError, NoteKeyError) as error:
        raise ImportFormatError(str(error)) from error
    try:
        import_archive(job.user, data, report)
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
            sniff=None,  # the stored file is sealed; read_archive checked the upload
            accept=".json",
            done_url="journal:history",
            done_label="See your history",
            again_url="accounts:settings",
            summarize=summary,
        )
    )
