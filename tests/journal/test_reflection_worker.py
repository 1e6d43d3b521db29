"""QUALITY 10: every eligible user gets exactly one weekly email, proven with a
real Celery worker process on Redis and a real SMTP server on loopback, while
workers are SIGKILLed, restarted, and dispatchers race each other."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.schedule import dispatch
from journal.tasks import deliver_reflections
from tests.conftest import make_user
from tests.faults import children, subprocess_env
from tests.journal.reflection_helpers import checkin
from tests.journal.smtp_sink import Sink, smtp_sink  # noqa: F401

# Real worker processes killed on purpose: they run on their own, after the
# parallel suite, so the kill timing does not compete with other tests for CPU.
pytestmark = [pytest.mark.slow, pytest.mark.workers, pytest.mark.django_db(transaction=True)]
Status = WeeklyReflection.Status
BASE_DIR = Path(settings.BASE_DIR)
LEASE = 3  # seconds: a dead worker's claim expires quickly in these tests
DELIVERY = {
    "ATTUNE_REFLECTION_LEASE_SECONDS": str(LEASE),
    "ATTUNE_REFLECTION_MAX_ATTEMPTS": "3",
    "ATTUNE_REFLECTION_RETRY_SECONDS": "1",
    "ATTUNE_REFLECTION_BATCH_SIZE": "4",
}


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Worker:
    """`celery -A config worker` as a subprocess on the test database."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.write_text("")
        handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "2",
                "--queues",
                self.env["ATTUNE_TEST_CELERY_QUEUE"],
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b" ready." in self.log.read_bytes(), 30, "the worker to start")

    def children(self) -> list[int]:
        assert self.proc is not None
        return children(self.proc.pid)

    def kill_child(self) -> int:
        assert self.proc is not None
        kids = children(self.proc.pid)
        assert kids, "the worker has no pool processes"
        os.kill(kids[0], signal.SIGKILL)
        return kids[0]

    def kill_all(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill_all()


@pytest.fixture
def task_queue() -> Iterator[str]:
    """A Redis queue for this test alone (the worker consumes only it)."""
    import redis

    from config.celery import app

    name = f"test-reflections-{uuid.uuid4().hex[:8]}"

    def route_to(queue: str) -> None:
        # Celery caches the default queue and router on first publish; drop
        # them, or this process keeps publishing to the queue it used before.
        app.conf.task_default_queue = queue
        for cached in ("default_queue", "queues", "router"):
            app.amqp.__dict__.pop(cached, None)

    previous = app.conf.task_default_queue
    route_to(name)
    try:
        yield name
    finally:
        route_to(previous)
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.fixture
def worker_env(
    transactional_db: None,
    task_queue: str,
    smtp_sink: Sink,  # noqa: F811
    settings: Any,
) -> dict[str, str]:
    for key, value in DELIVERY.items():
        setattr(settings, key, int(value))
    env = subprocess_env(task_queue, smtp_sink)
    env.update(DELIVERY)
    return env


@pytest.fixture
def worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Worker]:
    w = Worker(worker_env, tmp_path / "worker.log")
    try:
        yield w
    finally:
        w.stop()
        if os.environ.get("SHOW_WORKER_LOG"):
            print(w.log.read_text())


def eligible_users(n: int) -> list[User]:
    """Users whose reflection is due right now, each with a check-in that week."""
    now = timezone.now()
    users = []
    for i in range(n):
        user = make_user(
            f"person{i}@example.com",
            time_zone="Europe/Berlin",
            date_joined=now - dt.timedelta(days=40),
            reflection_weekday=0,
            reflection_time=dt.time(0, 0),
        )
        local_monday = now.astimezone(user.zone).date()
        last_week = local_monday - dt.timedelta(days=local_monday.weekday() + 7)
        checkin(user, last_week + dt.timedelta(days=2), -2, -1, words=["tired"])
        users.append(user)
    return users


def everyone_has_one(sink: Sink, users: list[User]) -> Callable[[], bool]:
    return lambda: set(sink.count_by_recipient()) >= {u.email for u in users}


def assert_exactly_one_each(sink: Sink, users: list[User]) -> None:
    time.sleep(LEASE + 1.5)  # time enough for any duplicate to arrive
    counts = sink.count_by_recipient()
    assert counts == {u.email: 1 for u in users}, counts
    statuses = set(WeeklyReflection.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT}
    ids = [m["Message-ID"] for m in sink.messages]
    assert len(set(ids)) == len(users)


def recover(sink: Sink, users: list[User], timeout: float) -> None:
    """Run the dispatcher now and then, as beat would, until everyone has mail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not everyone_has_one(sink, users)():
        dispatch()
        time.sleep(1)


def test_it_sends_exactly_one_each_when_a_worker_child_is_killed_mid_batch(
    worker: Worker,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    users = eligible_users(16)
    smtp_sink.delay = 0.15  # each send takes a moment, so the kill lands mid-batch
    worker.start()
    result = dispatch()
    assert len(result.queued) == 16
    wait_for(lambda: len(smtp_sink) >= 4, 20, "the first emails")
    worker.kill_child()
    recover(smtp_sink, users, 30)
    wait_for(everyone_has_one(smtp_sink, users), 5, "every user's email")
    assert_exactly_one_each(smtp_sink, users)
    assert "WorkerLostError" in worker.log.read_text() or "SIGKILL" in worker.log.read_text()


def test_it_sends_exactly_one_each_when_the_whole_worker_is_killed_and_restarted(
    worker: Worker,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    users = eligible_users(12)
    smtp_sink.delay = 0.15
    worker.start()
    dispatch()
    wait_for(lambda: len(smtp_sink) >= 3, 20, "the first emails")
    worker.kill_all()
    before = len(smtp_sink)
    assert before < len(users)
    worker.start()
    # The killed worker's tasks sit unacknowledged in Redis until the
    # visibility timeout (2 hours); the dispatcher picks up the reflections
    # themselves from the database as soon as their queueing is stale.
    recover(smtp_sink, users, 30)
    wait_for(everyone_has_one(smtp_sink, users), 5, "every user's email")
    assert_exactly_one_each(smtp_sink, users)


def test_two_dispatchers_and_duplicated_tasks_still_send_one_each(
    worker: Worker,
    worker_env: dict[str, str],
    smtp_sink: Sink,  # noqa: F811
) -> None:
    users = eligible_users(10)
    smtp_sink.delay = 0.1
    worker.start()
    command = [sys.executable, "manage.py", "send_reflections"]
    procs = [
        subprocess.Popen(command, cwd=BASE_DIR, env=worker_env, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    # And the broker hands the same work out twice more, as two beat processes
    # or an ETA past the visibility timeout would (celery#2856, celery#4766).
    ids = list(WeeklyReflection.objects.order_by("-pk").values_list("pk", flat=True))
    deliver_reflections.delay(ids)
    deliver_reflections.delay(ids)
    wait_for(everyone_has_one(smtp_sink, users), 20, "every user's email")
    assert_exactly_one_each(smtp_sink, users)
    assert WeeklyReflection.objects.count() == 10


def test_a_poisoned_reflection_stops_after_its_bound_and_is_marked_failed(
    worker: Worker,
    worker_env: dict[str, str],
    smtp_sink: Sink,  # noqa: F811
) -> None:
    users = eligible_users(5)
    poisoned = users[2]
    smtp_sink.refuse.add(poisoned.email)
    worker.start()
    dispatch()
    healthy = [u for u in users if u != poisoned]
    wait_for(everyone_has_one(smtp_sink, healthy), 20, "the healthy users' email")

    def failed() -> bool:
        return WeeklyReflection.objects.filter(user=poisoned, status=Status.FAILED).exists()

    wait_for(failed, 20, "the poisoned reflection to be marked failed")
    reflection = WeeklyReflection.objects.get(user=poisoned)
    assert reflection.attempts == 3
    assert "Gave up after 3 attempts" in reflection.last_error
    assert smtp_sink.count_by_recipient() == {u.email: 1 for u in healthy}
    out = subprocess.run(
        [sys.executable, "manage.py", "send_reflections"],
        cwd=BASE_DIR,
        env=worker_env,
        capture_output=True,
        timeout=60,
        check=True,
    ).stdout.decode()
    assert f"FAILED  #{reflection.pk}  {poisoned.email}" in out
    assert "Gave up after 3 attempts" in out


def test_a_reflection_whose_task_keeps_crashing_is_marked_failed_after_its_bound(
    worker: Worker,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    users = eligible_users(3)
    poisoned = users[0]
    healthy = users[1:]
    # Sending to this recipient hangs, and each time it does the pool process
    # is SIGKILLed (as an OOM kill or a segfaulting library would): a task
    # that crashes on every run.
    smtp_sink.stall.add(poisoned.email)
    worker.start()
    dispatch()
    crashes = 0

    def failed() -> bool:
        return WeeklyReflection.objects.filter(user=poisoned, status=Status.FAILED).exists()

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not failed():
        if smtp_sink.stalled > crashes:
            crashes = smtp_sink.stalled
            for pid in worker.children():
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    assert failed()
    assert crashes == 3
    reflection = WeeklyReflection.objects.get(user=poisoned)
    assert reflection.attempts == 3
    assert reflection.last_error.startswith("Gave up after 3 attempts")
    wait_for(everyone_has_one(smtp_sink, healthy), 20, "the healthy users' email")
    assert smtp_sink.count_by_recipient() == {u.email: 1 for u in healthy}
