from __future__ import annotations

from celery import shared_task

from imports.jobs import run_job
from imports.sweeper import sweep


@shared_task(name="imports.tasks.run_import", acks_late=True)
def run_import(job_id: int) -> None:
    """Import one uploaded file. Safe to deliver twice: the job is claimed with a
    conditional UPDATE and each kind's rows are unique where they land."""
    run_job(job_id)


@shared_task(name="imports.tasks.sweep_imports", ignore_result=True)
def sweep_imports() -> None:
    """Wake import jobs left without a worker (imports/sweeper.py)."""
    sweep()
