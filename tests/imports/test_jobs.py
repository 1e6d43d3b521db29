from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from imports.jobs import claim, create_job, max_attempts, run_job
from imports.models import ImportJob


def _job(user: User, data: bytes = b"[]") -> ImportJob:
    return create_job(user, "spotify", SimpleUploadedFile("Streaming_History_Audio_1.json", data))


def test_it_runs_a_job_once(alice: User) -> None:
    job = _job(alice)
    assert claim(job.pk) is not None
    assert claim(job.pk) is None  # a second delivery does nothing
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING


def test_it_takes_over_a_job_whose_worker_died(alice: User) -> None:
    job = _job(alice)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    finished = run_job(job.pk)
    assert finished is not None and finished.status == ImportJob.Status.DONE
    assert finished.attempts == 2


def test_it_gives_up_after_bounded_attempts(alice: User) -> None:
    job = _job(alice)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        attempts=max_attempts(),
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert run_job(job.pk) is None
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "stopped several times" in job.message


def test_it_reports_a_missing_file(alice: User) -> None:
    job = _job(alice)
    ImportJob.objects.filter(pk=job.pk).update(stored_path="/nonexistent/file")
    finished = run_job(job.pk)
    assert finished is not None and finished.status == ImportJob.Status.FAILED
    assert "upload it again" in finished.message


def test_it_saves_progress_as_it_goes(alice: User, monkeypatch) -> None:
    import json

    from imports import report as jobs

    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    rows = [
        {
            "endTime": f"2021-06-01 07:{m:02d}",
            "artistName": "A",
            "trackName": f"T{m}",
            "msPlayed": 40000,
        }
        for m in range(10)
    ]
    job = _job(alice, json.dumps(rows).encode())
    seen: list[int] = []
    original = jobs.ImportReport.save_progress

    def spy(self: jobs.ImportReport) -> None:
        original(self)
        assert self.job is not None
        seen.append(ImportJob.objects.get(pk=self.job.pk).processed_bytes)

    monkeypatch.setattr(jobs.ImportReport, "save_progress", spy)
    finished = run_job(job.pk)
    assert finished is not None and finished.imported == 10
    assert len(seen) == 5 and seen[-1] > 0


def test_it_forgets_the_file_of_a_deleted_account(alice: User) -> None:
    from pathlib import Path

    job = _job(alice)
    path = Path(job.stored_path)
    assert path.exists()
    alice.delete()
    assert run_job(job.pk) is None
    assert not path.exists()
