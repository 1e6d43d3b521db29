"""gunicorn's threaded worker, serving pages one at a time as sync workers
do, while the listening API keeps its threads (config/gunicorn.py makes it
the worker class).

gunicorn's gthread worker accepts every connection it sees and runs up to
`threads` requests at once. For pages that is worse than sync workers on a
small machine: eight check-ins in flight at once, all sharing two cores with
PostgreSQL, took p99 at 8 connections from 35 to 45-55 ms, and kept-alive
connections that arrived together stayed on one process.

So a page whose whole request has arrived is served on the worker's main
thread, as a sync worker serves it: no hand-off to a thread, no other page
of this process running beside it, and while it runs the process takes no
new connection, which waits in the listening socket's queue for an idle
worker, first come, first served. A connection is looked at when its first
bytes arrive (the poller waits for them, so a client that connects and says
nothing holds no thread). Requests to the listening API (OWN_TURN), requests
not yet whole (large uploads, slow clients) and TLS go to the thread pool.

A worker with a page on a thread leaves new connections in the queue too,
for WAIT_PER_PAGE seconds for each such page; a connection no other worker
has taken by then it takes itself, so nothing waits for an idle worker.

Listening API requests do not count as pages: a 1,000-listen import takes
hundreds of milliseconds and imports are bounded by their own slots
(music/views/listen_api.py), so a worker storing one still takes the next
connection, and a player's one-listen submission is not queued behind
imports, which is why the workers are threaded
(docs/checkin-performance.md, docs/listen-import-throughput.md).
"""

from __future__ import annotations

import errno
import re
import select
import selectors
import socket
import threading
import time
from collections import deque
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, TConn, ThreadWorker

WAIT_PER_PAGE = 0.02
OWN_TURN = ("/1/",)
OWN_TURN_BYTES = tuple(prefix.encode() for prefix in OWN_TURN)  # as a request line holds it
PEEK = 65536  # a request larger than this is not whole at first look
# How long a new connection's first bytes are waited for on the main thread
# before it is parked on the poller: a client's request follows its connect
# by microseconds, and a connection parked here while this worker serves the
# next one inline would wait behind that one.
FIRST_BYTES_WAIT = 0.005
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")


def whole_page(data: bytes) -> bool:
    """Whether `data`, a connection's first bytes, hold one whole HTTP/1
    request for a page (not the listening API): reading it cannot block."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    line = data[: data.find(b"\r\n")].split(b" ")
    if len(line) != 3 or not line[1].startswith(b"/") or not line[2].startswith(b"HTTP/1."):
        return False  # HTTP/2's preface, a PROXY line or nonsense: the pool's parser says
    if line[1].startswith(OWN_TURN_BYTES):
        return False
    head = data[:head_end].lower()
    if b"\r\ntransfer-encoding:" in head or b"\r\nexpect:" in head:
        return False
    length = CONTENT_LENGTH.search(head)
    return len(data) >= head_end + 4 + (int(length.group(1)) if length else 0)


class SharingThreadWorker(ThreadWorker):  # type: ignore[misc]
    wait_per_page = WAIT_PER_PAGE
    first_bytes_wait = FIRST_BYTES_WAIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_hand = 0  # connections queued for or on a thread (main thread only)
        self.own_turn = 0  # of those, listening API requests (any thread)
        self.own_turn_lock = threading.Lock()
        self.refusing_since: float | None = None
        self.first_bytes: deque[TConn] = deque()  # accepted, nothing read yet

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
        try:
            client, address = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())  # non-blocking
        if self.cfg.is_ssl:
            self.enqueue_req(conn)  # the request cannot be looked at before the handshake
        elif not self.serve(conn):
            conn.timeout = time.monotonic() + DEFAULT_WORKER_DATA_TIMEOUT
            self.first_bytes.append(conn)
            self.poller.register(client, selectors.EVENT_READ, partial(self.on_first_bytes, conn))
        if self.pages():
            self.refusing_since = time.monotonic()
            super().set_accept_enabled(False)

    def on_first_bytes(self, conn: TConn, client: Any) -> None:
        self.poller.unregister(client)
        self.first_bytes.remove(conn)
        if not self.serve(conn):
            self.enqueue_req(conn)  # readable, yet nothing to read: the pool waits for it

    def serve(self, conn: TConn) -> bool:
        """Serve `conn` here, on the main thread, if its first bytes are a
        whole page request, or hand it to the thread pool; False while
        nothing has arrived yet."""
        try:
            data = self.first_look(conn.sock)
        except BlockingIOError:
            return False
        except OSError:
            data = b""  # reset: the pool's handling says so and closes it
        conn.data_ready = True
        if not whole_page(data):
            self.enqueue_req(conn)
            return True
        served: futures.Future[Any] = futures.Future()
        served.set_result(self.handle(conn))
        ThreadWorker.finish_request(self, conn, served)  # it was never a page in hand
        return True

    def first_look(self, client: socket.socket) -> bytes:
        """The connection's first bytes, left unread; BlockingIOError if none
        came within `first_bytes_wait`."""
        try:
            return client.recv(PEEK, socket.MSG_PEEK)
        except BlockingIOError:
            if not self.first_bytes_wait:
                raise
            select.select([client], [], [], self.first_bytes_wait)
            return client.recv(PEEK, socket.MSG_PEEK)

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        while self.first_bytes and self.first_bytes[0].timeout <= now:
            conn = self.first_bytes.popleft()
            self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()

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
