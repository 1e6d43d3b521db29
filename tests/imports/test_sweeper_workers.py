"""The sweeper with real worker processes on Redis: an import never stays
"Importing…" forever, whether the broker was down when it was uploaded or its
worker was SIGKILLed in the middle of it."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from imports.models import ImportJob
from imports.sweeper import sweep
from music.models import Listen
from tests.conftest import make_user
from tests.faults import private_redis, use_broker
from tests.journal.test_reflection_worker import Worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.workers, pytest.mark.django_db(transaction=True)]
LEASE = 30  # seconds; the test moves a killed job's start back past it
Status = ImportJob.Status


def spotify_history(rows: int) -> bytes:
    """Spotify's account-data export: `rows` listens, one a minute, on 50 songs."""
    start = dt.datetime(2021, 1, 1, 6, 0)
    return json.dumps(
        [
            {
                "endTime": f"{start + dt.timedelta(minutes=n):%Y-%m-%d %H:%M}",
                "artistName": f"Artist {n % 50}",
                "trackName": f"Song {n % 50}",
                "msPlayed": 200_000,
            }
            for n in range(rows)
        ]
    ).encode()


def route_to(queue: str, imports_queue: str | None = None) -> None:
    # Celery caches the default queue and router on first publish; drop them.
    # Imports have a queue of their own (settings.CELERY_TASK_ROUTES): send
    # them to this test's queue too, where its worker listens.
    from config.celery import app

    app.conf.task_default_queue = queue
    app.conf.task_routes = {"imports.tasks.run_import": {"queue": imports_queue or queue}}
    for cached in ("default_queue", "queues", "router"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()


@pytest.fixture
def task_queue() -> Iterator[str]:
    """A Redis queue for this test alone (the worker consumes only it)."""
    from config.celery import app

    name = f"test-imports-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    route_to(name)
    try:
        yield name
    finally:
        route_to(previous, settings.ATTUNE_IMPORTS_QUEUE)


@pytest.fixture
def worker_env(transactional_db: None, task_queue: str, settings: Any) -> dict[str, str]:
    settings.ATTUNE_IMPORT_LEASE_SECONDS = LEASE
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "ATTUNE_TEST_CELERY_QUEUE": task_queue,
            "ATTUNE_IMPORT_LEASE_SECONDS": str(LEASE),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.fixture
def broker_switch() -> Iterator[None]:
    from config.celery import app

    old = app.conf.broker_url
    yield
    use_broker(old)


def test_it_runs_a_job_queued_while_the_broker_was_down_once_it_is_back(
    worker_env: dict[str, str], broker_switch: None, tmp_path: Path, settings: Any
) -> None:
    alice = make_user("alice@example.com")
    client = Client()
    client.force_login(alice)
    with private_redis() as redis:
        use_broker(redis.url)
        redis.stop()
        upload = SimpleUploadedFile("StreamingHistory_music_0.json", spotify_history(3))
        response = client.post("/music/import/", {"kind": "spotify", "file": upload})
        assert response.status_code == 302  # the upload is kept, no error page
        job = ImportJob.objects.get(user=alice)
        assert job.status == Status.QUEUED and job.sent_at is None

        # Still down: the sweeper leaves the job as it is, for the next sweep.
        settings.ATTUNE_IMPORT_QUEUED_GRACE_SECONDS = 0
        assert sweep().woken == 0
        assert ImportJob.objects.get(pk=job.pk).status == Status.QUEUED

        redis.start()  # the broker is back (empty: the job's message never got there)
        worker = Worker({**worker_env, "REDIS_URL": redis.url}, tmp_path / "worker.log")
        try:
            worker.start()
            assert sweep().woken == 1
            wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 30, "the import")
        finally:
            worker.stop()
    job.refresh_from_db()
    assert job.status == Status.DONE, job.message
    assert job.attempts == 1 and job.sent_at is not None
    assert Listen.objects.filter(user=alice).count() == 3


def test_it_reruns_a_job_whose_worker_was_killed_and_doubles_nothing(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    rows = 20_000
    alice = make_user("alice@example.com")
    client = Client()
    client.force_login(alice)
    first = Worker(worker_env, tmp_path / "first.log")
    first.start()
    try:
        upload = SimpleUploadedFile("StreamingHistory_music_0.json", spotify_history(rows))
        response = client.post("/music/import/", {"kind": "spotify", "file": upload})
        assert response.status_code == 302
        job = ImportJob.objects.get(user=alice)
        # Killed in the middle: some listens are in, the job says "Importing".
        wait_for(lambda: Listen.objects.filter(user=alice).exists(), 60, "listens to arrive")
        first.kill_all()
    finally:
        first.stop()
    job.refresh_from_db()
    assert job.status == Status.RUNNING, "the import finished before its worker was killed"
    assert 0 < Listen.objects.filter(user=alice).count() < rows

    assert sweep().woken == 0  # its lease has not run out: the worker may be alive
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=LEASE + 1)
    )
    second = Worker(worker_env, tmp_path / "second.log")
    try:
        second.start()
        assert sweep().woken == 1
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 120, "the re-run")
    finally:
        second.stop()
    job.refresh_from_db()
    assert job.status == Status.DONE, job.message
    assert job.attempts == 2
    assert Listen.objects.filter(user=alice).count() == rows  # nothing doubled, nothing lost
    assert job.imported + job.duplicates == rows
    assert not Path(job.stored_path).exists()
    assert settings.ATTUNE_IMPORT_MAX_ATTEMPTS >= 2
