"""The benchmark sections. Each measures one QUALITY.md figure and adds rows."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Report, Sizes

Section = Callable[..., None]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    def register(func: Section) -> Section:
        SECTIONS[name] = func
        return func

    return register


def p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    func()  # warm up caches and connections
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return times


@section("search")
def search_notes_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    from bench.generate import fill_history, make_library, make_user
    from journal.search import search_notes

    rng = random.Random(18)
    tracks = make_library(500, rng, prefix="search")
    user = make_user("search@bench.example")
    fill_history(user, days=sizes.history_days, track_ids=tracks, rng=rng, listens_per_day=0)
    queries = ["calm", "river walk", "pia", "lonely", "choir song", "nothingmatches"]
    samples: list[float] = []
    for query in queries:

        def run(q: str = query) -> object:
            return list(search_notes(user, q)[:50])

        samples += timed(run, max(3, sizes.samples // 5))
    value = p50_ms(samples)
    report.add(
        f"note search, {sizes.history_days} days of entries, p50",
        value,
        "ms",
        "< 50 ms (QUALITY 18)",
        value < 50,
    )


@section("playlists")
def playlists_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    from bench.playlists import run_section

    run_section(report, sizes, smoke)


# Sections kept in their own modules register themselves on import.
from bench import history as _history  # noqa: E402, F401


def _deliver_share(ids: list[int]) -> tuple[int, int]:
    """One worker process's share of the reflection batches (forked)."""
    import resource

    from django.conf import settings
    from django.db import connections

    from bench.mail import SENT
    from journal.delivery import deliver_reflections

    connections.close_all()
    SENT["messages"] = 0  # forked: count this process's own
    batch = int(settings.ATTUNE_REFLECTION_BATCH_SIZE)
    for start in range(0, len(ids), batch):
        deliver_reflections(ids[start : start + batch])
    connections.close_all()
    return SENT["messages"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@section("reflections")
def reflections_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    """QUALITY 16: a week of data for every user; the dispatcher creates their
    reflections, two worker processes build and hand them to the mail backend."""
    import datetime as dt
    import multiprocessing

    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.generate import make_library, week_users
    from config.celery import app
    from journal.delivery import deliver_reflections
    from journal.dispatch import dispatch
    from journal.models import WeeklyReflection
    from journal.reflections import week_start_of

    rng = random.Random(16)
    tracks = make_library(1000, rng, prefix="reflect")
    today = timezone.now().date()
    week = week_start_of(today) - dt.timedelta(days=7)
    n = sizes.reflection_users
    week_users(n, week, rng, tracks)
    # Wednesday after the week: every zone's Monday 08:00 has passed.
    now = dt.datetime.combine(week + dt.timedelta(days=9), dt.time(12), tzinfo=dt.UTC)

    t0 = time.perf_counter()
    dispatch(now)
    dispatched = time.perf_counter() - t0
    app.control.purge()  # the bench delivers in-process below, not via a worker
    ids = list(WeeklyReflection.objects.order_by("pk").values_list("pk", flat=True))

    # Set-based: a batch costs the same number of aggregation queries for 5
    # users as for 50 (the rest is a constant handful per user: claim, save,
    # mark sent).
    with CaptureQueriesContext(connection) as small:
        deliver_reflections(ids[:5])
    with CaptureQueriesContext(connection) as large:
        deliver_reflections(ids[5:55])
    per_user_small = len(small) / 5
    per_user_large = len(large) / 50

    connections.close_all()
    t1 = time.perf_counter()
    halves = [ids[55:][0::2], ids[55:][1::2]]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_deliver_share, halves)
    delivered = time.perf_counter() - t1
    sent = sum(r[0] for r in results)
    peak_mb = max(r[1] for r in results) / 1024
    total = dispatched + delivered * len(ids) / max(1, len(ids) - 55)
    projected = total * 100_000 / len(ids)
    report.add(
        f"reflections: {len(ids):,} users dispatched + emailed on 2 procs",
        total,
        "s",
        "100k users < 300 s (QUALITY 16)",
        projected < 300 if n < 100_000 else total < 300,
        note=(
            f"{sent:,} emails; dispatch {dispatched:.1f} s, delivery {delivered:.1f} s; "
            f"projected to 100k: {projected:,.0f} s"
        ),
    )
    report.add(
        "reflections: queries per user (batch of 5 vs 50)",
        per_user_large,
        "queries",
        "set-based: no more per user in bigger batches",
        per_user_large <= per_user_small,
        note=f"{per_user_small:.1f} vs {per_user_large:.1f}",
    )
    report.add("reflections: peak RSS of a worker process", peak_mb, "MB", "flat", None)


# --- Load through gunicorn (QUALITY 14) -------------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, '
    .. '"p50_ms": %f, "p99_ms": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(url: str, *, connections: int, seconds: int, lua: str = "") -> dict[str, float]:
    import json
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + WRK_REPORT)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(2, connections)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def pgbench_upsert(db_url: str, *, connections: int, seconds: int) -> float:
    """Transactions per second of a one-row upsert, the database's own ceiling."""
    import re
    import subprocess
    import tempfile

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_upsert (id int PRIMARY KEY, n int NOT NULL, "
            "at timestamptz NOT NULL)"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            "\\set id random(1, 100000)\n"
            "INSERT INTO bench_upsert (id, n, at) VALUES (:id, 1, now()) "
            "ON CONFLICT (id) DO UPDATE SET n = bench_upsert.n + 1, at = now();\n"
        )
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-c",
            str(connections),
            "-j",
            str(min(2, connections)),
            "-T",
            str(seconds),
            "-f",
            script.name,
            db_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"tps = ([\d.]+)", out)
    assert match, out
    return float(match.group(1))
