"""gunicorn's settings wherever Attune is served by it: docker-compose's web
service, the Dockerfile, the benchmarks and the fault tests
(`gunicorn -c config/gunicorn.py config.wsgi:application`). Options given on
the command line override these.

Threaded workers (gthread), not sync ones: with sync workers a request waits
in the listen queue until a whole process is free, so a one-listen submission
from a player, or a check-in, queued behind 1,000-listen imports
(docs/listening-api.md). Threads let it start at once; the listening API
bounds how many imports a process stores at a time (ATTUNE_LISTEN_IMPORT_SLOTS).

Threaded, but a page is served on the worker's main thread, one at a time,
as a sync worker serves it, and pages are shared among the processes first
come, first served (config/workers.py): gthread's own worker ran every
request it was sent at once, which on two cores shared with PostgreSQL took
the check-in p99 at 8 connections from 35 to 45-55 ms. Connections are not
kept alive (`keepalive = 0`) for the same reason: each request goes back to
the shared listen queue, so a browser's or a proxy's open connections do not
tie it to one busy process. The listening API's requests, and requests not
yet whole (a slow upload), keep the threads' concurrency
(docs/checkin-performance.md).

Eight threads a process by default, not four: eight 1,000-listen imports at
once over three processes left some process with every thread on an import
(most of them waiting their turn), so the next import's parsing, or a
one-listen submission, queued behind them. Measured in
docs/listen-import-throughput.md.
"""

from __future__ import annotations

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "config.workers.SharingThreadWorker"
keepalive = 0  # see above; a reverse proxy in front keeps its own to the browser
threads = int(os.environ.get("ATTUNE_WEB_THREADS", "8"))
# A 1,000-listen import or a large page can take seconds on a slow machine.
timeout = int(os.environ.get("ATTUNE_WEB_TIMEOUT", "60"))
