"""gunicorn's threaded worker, sharing pages among processes as sync workers
do, while the listening API keeps its threads (config/gunicorn.py makes it
the worker class).

gunicorn's gthread worker accepts every connection it sees and runs up to
`threads` requests at once. For pages that is worse than sync workers on a
small machine: eight check-ins in flight at once, all sharing two cores with
PostgreSQL, took p99 at 8 connections from 35 to 45-55 ms, and kept-alive
connections that arrived together stayed on one process. Here a worker with
a page in hand leaves new connections in the listening socket's queue, where
an idle worker takes them, first come first served as with sync workers. If
none has within WAIT_PER_PAGE seconds for each page the worker has in hand, it
takes one itself, so no connection waits for an idle worker.

Requests to the listening API (OWN_TURN) do not count as pages: a
1,000-listen import takes hundreds of milliseconds and imports are bounded by
their own slots (music/views/listen_api.py), so a worker storing one still
takes the next connection, and a player's one-listen submission is not queued
behind imports, which is why the workers are threaded
(docs/checkin-performance.md, docs/listen-import-throughput.md).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

WAIT_PER_PAGE = 0.02
OWN_TURN = ("/1/",)


class SharingThreadWorker(ThreadWorker):  # type: ignore[misc]
    wait_per_page = WAIT_PER_PAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_hand = 0  # connections queued for or on a thread (main thread only)
        self.own_turn = 0  # of those, listening API requests (any thread)
        self.own_turn_lock = threading.Lock()
        self.refusing_since: float | None = None

    def pages(self) -> int:
        return self.in_hand - self.own_turn

    def refusal(self) -> float:
        """How long this worker leaves a new connection to the others."""
        return self.wait_per_page * self.pages()

    def set_accept_enabled(self, enabled: bool) -> None:
        # gunicorn's loop calls this on every turn while it could accept and
        # is not accepting, so a refusal is looked at again each time.
        if enabled and self.pages():
            now = time.monotonic()
            if self.refusing_since is None:
                self.refusing_since = now
            enabled = now - self.refusing_since >= self.refusal()
        if enabled:
            self.refusing_since = None
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # Wake when the refusal ends, even if nothing else happens by then
        # (unless the worker is full, when gunicorn's loop would not accept).
        if self.refusing_since is not None and self.nr_conns < self.worker_connections:
            left = self.refusing_since + self.refusal() - time.monotonic()
            timeout = min(timeout, max(left, 0.0))
        super().wait_for_and_dispatch_events(timeout)

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if self.pages():
            self.refusing_since = time.monotonic()
            super().set_accept_enabled(False)

    def enqueue_req(self, conn: Any) -> None:
        # Every caller runs on the main thread, as finish_request does.
        self.in_hand += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_hand -= 1
        super().finish_request(conn, fs)

    def handle_request(self, req: Any, conn: Any) -> Any:
        # On a thread, once the request line is read.
        if not req.path.startswith(OWN_TURN):
            return super().handle_request(req, conn)
        with self.own_turn_lock:
            self.own_turn += 1
        self.method_queue.defer(lambda: None)  # the main loop may accept again
        try:
            return super().handle_request(req, conn)
        finally:
            with self.own_turn_lock:
                self.own_turn -= 1
