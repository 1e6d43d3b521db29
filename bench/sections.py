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
    from bench.generate import fill_history, make_library, make_user, settle
    from journal.search import search_notes

    rng = random.Random(18)
    user = make_user("search@bench.example")
    tracks = make_library(user, 500, rng, prefix="search")
    fill_history(user, days=sizes.history_days, track_ids=tracks, rng=rng, listens_per_day=0)
    # Like every other section after a bulk load: without statistics the
    # planner took the user's 3,285 rows as 4 and joined them one by one.
    settle()
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
from bench import insights as _insights  # noqa: E402, F401
from bench import listen_api as _listen_api  # noqa: E402, F401
from bench import reads as _reads  # noqa: E402, F401


def _deliver_share(ids: list[int]) -> tuple[int, int]:
    """One worker process's share of the reflection batches (forked)."""
    import resource

    from django.conf import settings
    from django.db import connections

    from bench.mail import SENT
    from journal.reflections.delivery import deliver_reflections

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

    from bench.generate import settle, week_users
    from config.celery import app
    from journal.models import WeeklyReflection
    from journal.reflections.delivery import deliver_reflections
    from journal.reflections.schedule import dispatch
    from journal.reflections.weeks import week_start_of

    rng = random.Random(16)
    today = timezone.now().date()
    week = week_start_of(today) - dt.timedelta(days=7)
    n = sizes.reflection_users
    week_users(n, week, rng)
    settle()
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


def wrk(
    url: str, *, connections: int, seconds: int, lua: str = "", timeout: int = 2
) -> dict[str, float]:
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
            "--timeout",
            f"{timeout}s",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"wrk failed on {url}: {out.stderr or out.stdout}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
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


def _session_for(user: object) -> tuple[str, str]:
    """A logged-in session cookie and a CSRF secret for the load generator."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.save()
    return str(store.session_key), get_random_string(32)


@section("checkin")
def checkin_post_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    import os
    from urllib.parse import urlencode

    from django.conf import settings

    from bench.generate import make_library, make_user
    from journal.models import Tag
    from mood.models import EmotionWord
    from tests.faults import gunicorn

    rng = random.Random(14)
    user = make_user("load@bench.example")
    tracks = make_library(user, 200, rng, prefix="load")
    words = list(EmotionWord.objects.filter(user__isnull=True).values_list("id", flat=True)[:2])
    tags = list(Tag.objects.filter(user=user).values_list("id", flat=True)[:2])
    from music.models import UserTrack

    UserTrack.objects.bulk_create(
        UserTrack(user=user, track_id=t, play_count=3) for t in tracks[:20]
    )
    session, csrf = _session_for(user)
    body = urlencode(
        [
            ("mood", "2,1"),
            *(("words", w) for w in words),
            *(("tags", t) for t in tags),
            ("note", "Walked by the river with a song in my ears"),
            ("track_id", tracks[0]),
        ]
    )
    headers = (
        f'wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"\n'
        f'wrk.headers["X-CSRFToken"] = "{csrf}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["Referer"] = "http://127.0.0.1/"\n'
    )
    post = f'wrk.method = "POST"\nwrk.body = "{body}"\n' + headers

    db_url = settings.DATABASES["default"]
    dsn = f"postgres://postgres@127.0.0.1:5432/{db_url['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": dsn}
    # As many workers as docker-compose.yml's web service runs, threaded as
    # config/gunicorn.py makes them. On two cores shared with PostgreSQL, 3
    # gave the best throughput and p99 (4 and 6 lost both to context
    # switches; docs/checkin-performance.md).
    with gunicorn(env, "--workers", "3", "--log-level", "warning") as base:
        # Warm every worker thread on both paths first: a threaded worker
        # opens a database connection per thread and loads the check-in's
        # code (and the note cipher's library) on first use, which a
        # long-running server has long done (docs/benchmarks.md).
        wrk(base + "/bench/hello", connections=8, seconds=1)
        wrk(base + "/", connections=8, seconds=2, lua=post)
        results = {}
        for connections in (1, 8):
            hello = wrk(base + "/bench/hello", connections=connections, seconds=sizes.load_seconds)
            checkin = wrk(base + "/", connections=connections, seconds=sizes.load_seconds, lua=post)
            results[connections] = (hello, checkin)
            ok = checkin["non2xx"] == 0 and checkin["errors"] == 0
            report.add(
                f"check-in POST, {connections} conn: throughput",
                checkin["rps"],
                "req/s",
                f"hello view: {hello['rps']:,.0f} req/s",
                None if ok else False,
                "" if ok else f"{checkin['non2xx']} error responses",
            )
            report.add(
                f"check-in POST, {connections} conn: p50 / p99",
                checkin["p50_ms"],
                "ms",
                f"p99 {checkin['p99_ms']:.1f} ms" + (" (< 50 ms)" if connections == 8 else ""),
                checkin["p99_ms"] < 50 if connections == 8 else None,
            )
        # The floor: what any logged-in write costs here (session, user, CSRF,
        # one INSERT in a transaction). It bounds the ratios a check-in can reach.
        floor_post = 'wrk.method = "POST"\nwrk.body = "x=1"\n' + headers
        floor = wrk(
            base + "/bench/one-row", connections=8, seconds=sizes.load_seconds, lua=floor_post
        )
        # Hello again, with the session cookie: what a logged-in page costs here
        # before it does anything (the session and the user are looked up).
        hello_in = wrk(
            base + "/bench/hello", connections=8, seconds=sizes.load_seconds, lua=headers
        )
        pg = pgbench_upsert(dsn, connections=8, seconds=sizes.load_seconds)
        hello8, checkin8 = results[8]
        ratio_hello = checkin8["rps"] / hello8["rps"]
        ratio_pg = checkin8["rps"] / pg
        floor_ok = floor["non2xx"] == 0 and floor["errors"] == 0
        report.add(
            "floor: logged-in one-row insert, 8 conn",
            floor["rps"],
            "req/s",
            f"{floor['rps'] / hello8['rps']:.2f}x hello, {floor['rps'] / pg:.2f}x pgbench",
            None if floor_ok else False,
            "" if floor_ok else f"{floor['non2xx']} error responses",
        )
        report.add(
            "baseline: hello view logged in, 8 conn",
            hello_in["rps"],
            "req/s",
            f"check-in is {checkin8['rps'] / hello_in['rps']:.2f}x of it",
            None,
        )
        report.add(
            "check-in POST / floor, 8 conn",
            checkin8["rps"] / floor["rps"],
            "x",
            "share of the floor a full check-in keeps",
            None,
        )
        report.add(
            "check-in POST / hello view, 8 conn",
            ratio_hello,
            "x",
            ">= 0.25 (QUALITY 14)",
            ratio_hello >= 0.25,
        )
        report.add(
            "check-in POST / pgbench upsert, 8 conn",
            ratio_pg,
            "x",
            f">= 0.15 (pgbench {pg:,.0f} tps)",
            ratio_pg >= 0.15,
        )
        from journal.models import CheckIn

        saved = CheckIn.objects.filter(user=user).count()
        report.add("correctness: check-ins saved by the load", saved, "rows", "> 0", saved > 0)


@section("import")
def spotify_import_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    """QUALITY 17: a Spotify extended history through `import_music`, in its own
    process so its peak RSS is the importer's alone."""
    import os
    import subprocess
    import sys
    import tempfile

    from django.conf import settings

    from bench.generate import make_user, spotify_history
    from bench.run import ROOT
    from music.models import Listen

    user = make_user("import@bench.example")
    folder = tempfile.mkdtemp(prefix="attune-bench-")
    path = os.path.join(folder, "Streaming_History_Audio_2023-2026_0.json")
    spotify_history(path, sizes.spotify_plays, random.Random(17))
    db = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
    }
    command = [sys.executable, "manage.py", "import_music", "--user", user.email, path]
    # A small parent whose only child is the import, so RUSAGE_CHILDREN is its peak.
    measure = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )

    def run_once() -> tuple[float, int, float]:
        before = Listen.objects.filter(user=user).count()
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", measure, *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        elapsed = time.perf_counter() - t0
        return elapsed, Listen.objects.filter(user=user).count() - before, int(out) / 1024

    seconds, added, rss_mb = run_once()
    again_seconds, again_added, _ = run_once()
    plays = sizes.spotify_plays
    report.add(
        f"Spotify import, {plays:,} plays: wall time",
        seconds,
        "s",
        "< 15 s (QUALITY 17)",
        seconds < 15,
        f"{added:,} listens added",
    )
    report.add(f"Spotify import, {plays:,} plays: peak RSS", rss_mb, "MB", "< 200 MB", rss_mb < 200)
    report.add(
        "correctness: re-import adds",
        again_added,
        "rows",
        "0",
        again_added == 0,
        f"re-import took {again_seconds:.1f} s",
    )
