from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from config.celery import app
from imports.models import ImportJob
from journal.imports.scan import SCAN_KIND
from journal.models import CheckIn
from journal.search import search_notes
from tests.journal.import_files import daylio_csv, media, stored_files

__all__ = ["media"]


def wait_until_finished(job_id: int, seconds: float = 20) -> ImportJob:
    deadline = time.monotonic() + seconds
    job = ImportJob.objects.get(pk=job_id)
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_it_imports_through_a_real_worker(
    redis_broker: str, alice: User, alice_client: Client, media: Path
) -> None:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = alice_client.post(
            "/import/",
            {
                "format": "auto",
                "time_zone": "Europe/Berlin",
                "file": SimpleUploadedFile("daylio_export.csv", daylio_csv()),
            },
        )
        assert response["Location"] == "/import/moods/"
        # The worker reads the file's moods; the mood page waits on it.
        scan = wait_until_finished(ImportJob.objects.get(kind=SCAN_KIND).pk)
        assert scan.status == ImportJob.Status.DONE, scan.message
        page = alice_client.get("/import/moods/").content.decode()
        assert "“super tired”" in page
        placed = alice_client.post("/import/moods/", {"mood_0": "-2,-3", "mood_1": "-2,3"})
        job_id = int(placed["Location"].strip("/").split("/")[-1])
        job = wait_until_finished(job_id)

    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.imported, job.duplicates, job.skipped) == (6, 0, {"date not understood": 1})
    assert job.attempts == 1
    assert job.percent == 100
    html = alice_client.get(f"/import/{job_id}/").content.decode()
    assert re.search(r"<dt>Imported</dt><dd>6</dd>", html)
    assert "Line 7: date not understood: 2026-02-30" in html
    assert CheckIn.objects.owned_by(alice).count() == 6
    assert search_notes(alice, "interview").get().tags.get().name.lower() == "sang"
    assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_it_reports_a_failed_job_kindly(redis_broker: str, alice: User, media: Path) -> None:
    from imports.tasks import run_import
    from journal.imports.mapped_csv import Mapping

    mapping = Mapping(date_column="full_date", mood_column="mood", time_zone="Europe/Berlin")
    job = ImportJob.objects.create(
        user=alice,
        kind="journal_csv",
        file_name="gone.csv",
        stored_path=str(media / "gone.csv"),
        options=mapping.to_options(),
    )
    run_import.delay(job.pk)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = wait_until_finished(job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "The uploaded file is no longer here. Please upload it again."
    client = Client()
    client.force_login(alice)
    assert "no longer here" in client.get(f"/import/{job.pk}/").content.decode()
