from __future__ import annotations

from celery import Task, shared_task

from journal.imports import jobs


@shared_task(bind=True, max_retries=jobs.MAX_ATTEMPTS)
def run_journal_import(self: Task, job_id: int) -> str:  # type: ignore[type-arg]
    """Import one uploaded mood journal (ImportJob of kind daylio/journal_csv)."""
    outcome = jobs.run_job(job_id)
    if outcome == jobs.Outcome.BUSY:
        # Another delivery holds the job; look again once its lease has run out.
        raise self.retry(countdown=int(jobs.LEASE.total_seconds()))
    return str(outcome)
