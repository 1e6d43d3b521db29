"""Issue 18, acceptance 4: reminders are sent exactly once per user and slot
by a real Celery worker on Redis, while a worker is SIGKILLed mid-send and
dispatchers run over each other. "Once" is counted where it matters: pushes a
loopback push service accepted (answered 201), per subscription."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from reminders.dispatch import dispatch
from reminders.models import PushSubscription, ReminderPlan, ReminderSend, ReminderTime
from tests.conftest import make_user
from tests.journal.smtp_sink import smtp_sink  # noqa: F401
from tests.journal.test_reflection_worker import (  # noqa: F401
    Worker,
    task_queue,
    wait_for,
    worker_env,
)
from tests.reminders.loopback import Browser, b64url, verify_vapid

pytestmark = [pytest.mark.slow, pytest.mark.workers, pytest.mark.django_db(transaction=True)]
LEASE = 3
Status = ReminderSend.Status


@dataclass
class PushService:
    """Accepts pushes with 201 after checking VAPID; the first push to a path
    in `hang` gets no answer until the test lets go (then none at all)."""

    url: str = ""
    hang: set[str] = field(default_factory=set)
    arrived: list[str] = field(default_factory=list)
    accepted: Counter[str] = field(default_factory=Counter)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            verify_vapid(self.headers["Authorization"], service.url)
            service.arrived.append(self.path)
            if self.path in service.hang:
                service.hang.discard(self.path)
                service.holding.set()
                service.release.wait(30)
                self.close_connection = True
                return  # never answered: the sender died waiting
            service.accepted[self.path] += 1
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield service
    finally:
        service.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def reminder_worker(
    worker_env: dict[str, str],  # noqa: F811
    tmp_path: Path,
    settings: Any,
) -> Iterator[Worker]:
    settings.ATTUNE_REMINDER_LEASE_SECONDS = LEASE
    worker_env["ATTUNE_REMINDER_LEASE_SECONDS"] = str(LEASE)
    worker_env["ATTUNE_VAPID_PRIVATE_KEY"] = settings.ATTUNE_VAPID_PRIVATE_KEY
    w = Worker(worker_env, tmp_path / "worker.log")
    try:
        yield w
    finally:
        w.stop()
        if os.environ.get("SHOW_WORKER_LOG"):
            print(w.log.read_text())


def subscriber(n: int, service: PushService) -> User:
    user = make_user(f"push{n}@example.com")
    ReminderPlan.objects.create(user=user, by_push=True)
    ReminderTime.objects.create(user=user, at=(timezone.now() - dt.timedelta(minutes=1)).time())
    browser = Browser()
    PushSubscription.objects.create(
        user=user, endpoint=f"{service.url}/s/{n}", p256dh=browser.p256dh, auth=b64url(browser.auth)
    )
    return user


def test_each_reminder_is_accepted_once_when_a_worker_dies_mid_send(
    reminder_worker: Worker, push_service: PushService
) -> None:
    users = [subscriber(n, push_service) for n in range(4)]
    push_service.hang.add("/s/0")
    reminder_worker.start()

    # Two dispatchers at once: one row per user and slot, queued twice at most.
    runs = [threading.Thread(target=dispatch) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(20)
    assert ReminderSend.objects.count() == len(users)

    assert push_service.holding.wait(30), "the first push never reached the service"
    reminder_worker.kill_all()  # the worker dies waiting for the push service's answer
    push_service.release.set()
    reminder_worker.start()

    # Passes every half second: the others go at once; the killed one waits for
    # its lease to run out, then goes once.
    def all_sent() -> bool:
        time.sleep(0.5)
        dispatch()
        return ReminderSend.objects.filter(status=Status.SENT).count() == len(users)

    wait_for(all_sent, 40, "every reminder to be sent")
    assert {path: push_service.accepted[path] for path in push_service.accepted} == {
        f"/s/{n}": 1 for n in range(len(users))
    }
    assert ReminderSend.objects.filter(status=Status.SENT).count() == len(users)
    # Claimed twice: by the worker that died holding it, then once more.
    assert ReminderSend.objects.get(user=users[0]).attempts == 2
    # More passes change nothing.
    dispatch()
    dispatch()
    assert sum(push_service.accepted.values()) == len(users)
