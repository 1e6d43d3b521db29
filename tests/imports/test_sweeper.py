"""The sweeper's rules (imports/sweeper.py), on the real database and Redis: which
jobs it wakes, which it leaves alone, which it gives up on."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from imports.jobs import max_attempts
from imports.models import ImportJob
from imports.sweeper import sweep
from tests.faults import free_port, use_broker

Status = ImportJob.Status
pytestmark = pytest.mark.django_db(transaction=True)


def _job(user: User, **fields: Any) -> ImportJob:
    job = ImportJob.objects.create(user=user, kind="spotify", file_name="x.json")
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def _ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def _messages(url: str) -> list[int]:
    """The job ids of the run_import messages waiting on the imports queue."""
    client = redis.Redis.from_url(url)
    raw = client.lrange(settings.ATTUNE_IMPORTS_QUEUE, 0, -1)
    ids = []
    for item in raw:
        message = json.loads(item)
        assert message["headers"]["task"] == "imports.tasks.run_import"
        ids.append(json.loads(base64.b64decode(message["body"]))[0][0])
    return sorted(ids)


def test_it_wakes_a_job_that_never_reached_the_broker(redis_broker: str, alice: User) -> None:
    fresh = _job(alice)
    stranded = _job(alice, created_at=_ago(settings.ATTUNE_IMPORT_QUEUED_GRACE_SECONDS + 5))
    assert sweep().woken == 1
    assert _messages(redis_broker) == [stranded.pk]
    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert stranded.sent_at is not None and fresh.sent_at is None
    assert sweep().woken == 0  # once woken, it is not sent again within a lease


def test_it_wakes_a_queued_job_again_once_its_message_seems_lost(
    redis_broker: str, alice: User
) -> None:
    lease = settings.ATTUNE_IMPORT_LEASE_SECONDS
    _job(alice, created_at=_ago(lease * 3), sent_at=_ago(lease - 5))
    lost = _job(alice, created_at=_ago(lease * 3), sent_at=_ago(lease + 5))
    assert sweep().woken == 1
    assert _messages(redis_broker) == [lost.pk]


def test_it_wakes_a_running_job_past_its_lease_and_fails_one_out_of_attempts(
    redis_broker: str, alice: User
) -> None:
    lease = settings.ATTUNE_IMPORT_LEASE_SECONDS
    alive = _job(alice, status=Status.RUNNING, attempts=1, started_at=_ago(lease - 5))
    dead = _job(alice, status=Status.RUNNING, attempts=1, started_at=_ago(lease + 5))
    spent = _job(alice, status=Status.RUNNING, attempts=max_attempts(), started_at=_ago(lease + 5))
    done = _job(alice, status=Status.DONE, created_at=_ago(lease * 3))
    result = sweep()
    assert (result.woken, result.failed) == (1, 1)
    assert _messages(redis_broker) == [dead.pk]
    spent.refresh_from_db()
    assert spent.status == Status.FAILED and "stopped several times" in spent.message
    assert ImportJob.objects.get(pk=alive.pk).status == Status.RUNNING
    assert ImportJob.objects.get(pk=done.pk).status == Status.DONE


def test_it_changes_nothing_while_the_broker_is_down(alice: User) -> None:
    from config.celery import app

    old = app.conf.broker_url
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        job = _job(alice, created_at=_ago(settings.ATTUNE_IMPORT_QUEUED_GRACE_SECONDS + 5))
        result = sweep()
    finally:
        use_broker(old)
    assert (result.woken, result.unreachable) == (0, 1)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.sent_at is None
