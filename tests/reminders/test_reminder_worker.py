"""Issue 18, acceptance 4: reminders are sent exactly once per user and slot
by a real Celery worker on Redis, while a worker is SIGKILLed mid-send and
dispatchers run over each other. "Once" is counted where it matters: pushes a
loopback push service accepted (answered 201), per subscription."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
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
    """Accepts complete pushes with 201 after checking VAPID, as a push service
    does; a request cut off before its last byte is discarded. The first push
    to a path in `hang` is held, unanswered, until the test lets go; then it is
    accepted (the service has the whole message), answered or not."""

    hang: set[str] = field(default_factory=set)
    accepted: Counter[str] = field(default_factory=Counter)
    cut_off: list[str] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    servers: list[ThreadingHTTPServer] = field(default_factory=list)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request
                    service.cut_off.append(self.path)
                    return
                verify_vapid(self.headers["Authorization"], url_of(self.server))
                if self.path in service.hang:
                    service.hang.discard(self.path)
                    service.holding.set()
                    service.release.wait(30)
                service.accepted[self.path] += 1
                with contextlib.suppress(OSError):  # the sender may be gone
                    self.send_response(201)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def serve(self, listener: socket.socket | None = None) -> str:
        """Serve on a new port, or on `listener`; returns the base URL."""
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), self.handler(), bind_and_activate=listener is None
        )
        if listener is not None:
            server.socket.close()
            server.socket = listener
            server.server_address = listener.getsockname()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        return url_of(server)


def url_of(server: Any) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def stalled_listener() -> tuple[socket.socket, socket.socket, str]:
    """A listening socket whose accept queue is full: connecting to it hangs
    until someone accepts. Returns it, the connection that fills it, its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname(), timeout=2)
    return listener, filler, f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    try:
        yield service
    finally:
        service.release.set()
        for server in service.servers:
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


def subscriber(n: int, base_url: str) -> User:
    user = make_user(f"push{n}@example.com")
    ReminderPlan.objects.create(user=user, by_push=True)
    ReminderTime.objects.create(user=user, at=(timezone.now() - dt.timedelta(minutes=1)).time())
    browser = Browser()
    PushSubscription.objects.create(
        user=user, endpoint=f"{base_url}/s/{n}", p256dh=browser.p256dh, auth=b64url(browser.auth)
    )
    return user


def dispatch_twice_at_once() -> None:
    """Two dispatchers at once: one row per user and slot, queued twice at most."""
    runs = [threading.Thread(target=dispatch) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(20)


def status_of(user: User) -> str:
    return ReminderSend.objects.get(user=user).status


def test_a_reminder_whose_worker_dies_before_the_commit_point_is_sent_once_later(
    reminder_worker: Worker, push_service: PushService
) -> None:
    url = push_service.serve()
    others = [subscriber(n, url) for n in range(1, 4)]
    # The first person's push service does not take the connection: the worker
    # hangs connecting, holding the claim, and is killed there.
    listener, filler, stalled_url = stalled_listener()
    first = subscriber(0, stalled_url)
    reminder_worker.start()
    dispatch_twice_at_once()
    assert ReminderSend.objects.count() == 4

    wait_for(
        lambda: (
            all(status_of(u) == Status.SENT for u in others) and status_of(first) == Status.SENDING
        ),
        30,
        "the others sent and the first claimed",
    )
    reminder_worker.kill_all()
    assert push_service.accepted == {"/s/1": 1, "/s/2": 1, "/s/3": 1}
    filler.close()
    push_service.serve(listener)  # the push service answers again
    reminder_worker.start()

    # Passes every half second: the killed one waits for its lease to run out,
    # then goes once.
    def all_sent() -> bool:
        time.sleep(0.5)
        dispatch()
        return ReminderSend.objects.filter(status=Status.SENT).count() == 4

    wait_for(all_sent, 40, "every reminder to be sent")
    assert push_service.accepted == {f"/s/{n}": 1 for n in range(4)}
    # Claimed twice: by the worker that died holding it, then once more.
    assert ReminderSend.objects.get(user=first).attempts == 2
    assert dispatch() == []  # nothing is left to send


def test_a_reminder_whose_worker_dies_after_the_commit_point_is_never_sent_twice(
    reminder_worker: Worker, push_service: PushService
) -> None:
    url = push_service.serve()
    users = [subscriber(n, url) for n in range(2)]
    push_service.hang.add("/s/0")
    reminder_worker.start()
    dispatch_twice_at_once()

    # The whole push reached the service, which holds it unanswered: the
    # reminder was recorded as sent just before its last byte went out.
    assert push_service.holding.wait(30), "the first push never reached the service"
    wait_for(lambda: status_of(users[1]) == Status.SENT, 30, "the second reminder to go")
    assert status_of(users[0]) == Status.SENT
    reminder_worker.kill_all()  # the worker dies waiting for the answer
    push_service.release.set()
    reminder_worker.start()

    time.sleep(LEASE + 1)  # past any lease the dead worker held
    assert dispatch() == []
    wait_for(lambda: sum(push_service.accepted.values()) == 2, 10, "the held push to be taken")
    time.sleep(1)
    assert push_service.accepted == {"/s/0": 1, "/s/1": 1}
    assert ReminderSend.objects.get(user=users[0]).attempts == 1
    assert push_service.cut_off == []
