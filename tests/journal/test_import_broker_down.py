"""QUALITY.md 12 for imports: with the broker down, an upload still becomes a
queued job (nothing lost, no error page) and runs once a worker is reachable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from config.celery import app
from imports.jobs import run_job
from imports.models import ImportJob
from journal.imports.scan import SCAN_KIND
from tests.faults import free_port, use_broker
from tests.journal.import_files import daylio_csv, media

__all__ = ["media"]


@pytest.fixture
def dead_broker() -> Iterator[None]:
    old = app.conf.broker_url
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    yield
    use_broker(old)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_an_upload_as_a_queued_job_while_the_broker_is_down(
    dead_broker: None, alice: User, alice_client: Client, media: Path
) -> None:
    data = daylio_csv(["2026-03-01,March 1,Sunday,10:00,good,work,,Fine day"])
    uploaded = alice_client.post(
        "/import/",
        {"format": "auto", "time_zone": "UTC", "file": SimpleUploadedFile("d.csv", data)},
    )
    assert uploaded["Location"] == "/import/moods/"
    # The moods are read by a worker: the page waits on that job, kindly.
    scan = ImportJob.objects.get(user=alice, kind=SCAN_KIND)
    assert scan.status == ImportJob.Status.QUEUED and scan.sent_at is None
    waiting = alice_client.get("/import/moods/")
    assert waiting.status_code == 200
    assert "Waiting for a worker" in waiting.content.decode()
    # The broker comes back and the sweeper delivers it (here: run directly).
    assert run_job(scan.pk) is not None

    # Daylio's moods are confirmed on the grid (their suggested places kept).
    response = alice_client.post("/import/moods/", {})
    job = ImportJob.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/import/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED
    page = alice_client.get(f"/import/{job.pk}/").content.decode()
    assert "Waiting for a worker" in page

    # The broker comes back and the job is delivered (here: run directly).
    finished = run_job(job.pk)
    assert finished is not None
    assert finished.imported == 1


@pytest.mark.django_db(transaction=True)
def test_an_archive_upload_waits_as_a_queued_job_while_the_broker_is_down(
    dead_broker: None, alice: User, alice_client: Client, media: Path
) -> None:
    raw = b'{"format": "attune-archive", "version": 1, "checkins": []}'
    response = alice_client.post(
        "/settings/import/", {"archive": SimpleUploadedFile("a.json", raw)}
    )
    job = ImportJob.objects.get(user=alice, kind="attune-archive")
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED and job.sent_at is None  # for the sweeper
    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    assert "Waiting for a worker" in page.content.decode()
    finished = run_job(job.pk)  # the broker is back: the sweeper delivers it
    assert finished is not None and finished.status == ImportJob.Status.DONE
