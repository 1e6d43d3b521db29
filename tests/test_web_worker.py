"""config/workers.py against real gunicorn processes: pages are shared among
the workers first come, first served, as sync workers share them; a request
to the listening API does not hold a worker's turn; a client that connects
and says nothing, or uploads slowly, holds no worker; and a worker waiting
on such an upload still takes a connection no other worker has taken."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults import children, free_port, wait_port

# Timed in tens of milliseconds: run alone, as the worker-fault tests are.
pytestmark = pytest.mark.workers

ROOT = Path(__file__).resolve().parent.parent

# "/slow" and "/1/slow" (the listening API's prefix) take half a second; any
# other page works for 10 ms, holding its process's GIL as a page's Python
# does. Each answers "pid start end".
APP = """
import os, time

from config.workers import SharingThreadWorker


class Patient(SharingThreadWorker):
    wait_per_page = 2.0  # leaves every new connection to an idle worker


def app(environ, start_response):
    start = time.monotonic()
    environ["wsgi.input"].read()
    if environ["PATH_INFO"] in ("/slow", "/1/slow"):
        time.sleep(0.5)
    else:
        end = time.thread_time() + 0.01
        while time.thread_time() < end:
            pass
    body = f"{os.getpid()} {start} {time.monotonic()}".encode()
    start_response("200 OK", [("Content-Length", str(len(body)))])
    return [body]
"""


@contextmanager
def serving(tmp_path: Path, worker_class: str, workers: int) -> Iterator[str]:
    """APP under gunicorn with Attune's settings (config/gunicorn.py) but
    `worker_class` and `workers`; yields its base URL."""
    (tmp_path / "pid_app.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "pid_app:app",
            "--config", str(ROOT / "config" / "gunicorn.py"),
            "--chdir", str(tmp_path), "--pythonpath", str(ROOT),
            "--worker-class", worker_class, "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_port(port)
        deadline = time.monotonic() + 20
        while len(children(server.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # every worker is polling the listener
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def get(url: str) -> tuple[str, float, float]:
    """(pid, start, end) as the server saw them; the end is when the answer
    was read here."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        pid, start, _ = answer.read().decode().split()
    return pid, float(start), time.monotonic()


def test_pages_are_shared_among_the_workers_one_at_a_time(tmp_path: Path) -> None:
    served: dict[str, list[tuple[float, float]]] = defaultdict(list)

    def client() -> None:
        for _ in range(15):
            pid, start, end = get(base + "/page")
            served[pid].append((start, end))

    with serving(tmp_path, "pid_app.Patient", workers=3) as base:
        clients = [threading.Thread(target=client) for _ in range(6)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
    assert sum(len(times) for times in served.values()) == 90
    assert len(served) == 3, "every worker took a share"
    for times in served.values():
        times.sort()
        for (_, end), (start, _) in itertools.pairwise(times):
            # Six clients, three workers, and no worker starts a page before
            # its last one is answered: the others wait in the listen queue.
            assert start >= end - 0.005, "a worker ran two pages at once"


def test_a_listening_api_request_does_not_hold_the_workers_turn(tmp_path: Path) -> None:
    with serving(tmp_path, "pid_app.Patient", workers=1) as base:
        for slow, waits in (("/slow", True), ("/1/slow", False)):
            first = threading.Thread(target=get, args=(base + slow,))
            first.start()
            time.sleep(0.1)
            asked = time.monotonic()
            _, started, _ = get(base + "/page")
            first.join()
            # Behind a page, the next page waits for it (0.4 s more); behind
            # a 1,000-listen import it starts at once.
            assert (started - asked > 0.3) is waits, (slow, started - asked)


@contextmanager
def slow_upload(base: str) -> Iterator[socket.socket]:
    """A POST to `base` whose headers and half its body have been sent; yields
    the socket, on which the rest may be sent."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as upload:
        upload.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf ")
        time.sleep(0.1)
        yield upload


def test_a_client_that_says_nothing_holds_no_worker(tmp_path: Path) -> None:
    with serving(tmp_path, "config.workers.SharingThreadWorker", workers=1) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))):
            time.sleep(0.1)
            asked = time.monotonic()
            _, started, _ = get(base + "/page")
    assert started - asked < 0.2, started - asked


def test_a_worker_waiting_on_a_slow_upload_still_takes_the_next_page(tmp_path: Path) -> None:
    with (
        serving(tmp_path, "config.workers.SharingThreadWorker", workers=1) as base,
        slow_upload(base) as upload,
    ):
        asked = time.monotonic()
        _, started, _ = get(base + "/page")
        # The upload is a page in hand, waiting on a thread; the one worker
        # takes the next connection after 20 ms.
        assert started - asked < 0.2, started - asked
        upload.sendall(b"rest!")
        answer = upload.recv(1024)
    assert answer.startswith(b"HTTP/1.1 200"), answer
