"""Large archives are imported by a real Celery worker, sealed while they wait."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from config.celery import app
from imports.jobs import max_attempts, run_job
from imports.models import ImportJob
from journal import archive_job
from journal.archive import export_json
from journal.archive_job import ARCHIVE_JOB_KIND
from journal.models import CheckIn
from tests.conftest import make_user
from tests.factories import make_checkin

NOTE = "The harbour lights went out one by one, and I was fine with it"


def wait_for(condition: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_it_imports_a_large_archive_in_a_worker(
    redis_broker: str,
) -> None:
    alice = make_user("alice@example.com")
    for _ in range(3):
        make_checkin(alice, NOTE)
    raw = "".join(export_json(alice)).encode()
    sam = make_user("sam@example.com")
    client = Client()
    client.force_login(sam)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(
            "/settings/import/", {"archive": SimpleUploadedFile("mine.json", raw)}, follow=True
        )
        assert "Your archive is being imported" in response.content.decode()
        job = ImportJob.objects.get(user=sam, kind=ARCHIVE_JOB_KIND)
        sealed = Path(job.stored_path)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 3
    assert {c.note for c in CheckIn.objects.filter(user=sam)} == {NOTE}
    assert not sealed.exists()  # the upload is gone once imported
    page = client.get("/settings/").content.decode()
    assert "mine.json" in page
    assert "Imported 3 check-ins" in page
    run_job(job.pk)  # a duplicate delivery changes nothing
    assert CheckIn.objects.filter(user=sam).count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_waiting_upload_sealed(redis_broker: str) -> None:
    alice = make_user("alice@example.com")
    make_checkin(alice, NOTE)
    raw = "".join(export_json(alice)).encode()
    job = archive_job.queue_archive(alice, SimpleUploadedFile("mine.json", raw))
    job.refresh_from_db()
    stored = Path(job.stored_path).read_bytes()
    assert b"harbour" not in stored
    assert json.loads(raw)["checkins"][0]["note"] == NOTE
    Path(job.stored_path).unlink()


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_a_bounded_number_of_attempts(redis_broker: str) -> None:
    alice = make_user("alice@example.com")
    job = ImportJob.objects.create(
        user=alice,
        kind=ARCHIVE_JOB_KIND,
        file_name="mine.json",
        status=ImportJob.Status.RUNNING,
        attempts=max_attempts(),
        started_at=timezone.now() - dt.timedelta(hours=1),  # its lease ran out long ago
    )
    run_job(job.pk)  # e.g. redelivered after the worker died three times
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "could not be imported" in job.message
