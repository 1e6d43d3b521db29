from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def run_import(job_id: int) -> None:
    """Import one uploaded file. Safe to deliver twice: the job is claimed with a
    conditional UPDATE and listens are unique per (user, track, start time)."""
    from music.imports.jobs import run_job

    run_job(job_id)
