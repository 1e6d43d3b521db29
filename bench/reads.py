"""Issue 20: reading as fast as writing. The history timeline, the full
history page, note search and insights through gunicorn, each as a ratio to
the logged-in hello view measured in the same run (machines here differ by
about 2x, so absolute figures alone say little), with the milliseconds beside
it; and the size of the search index per note."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from bench.sections import section

if TYPE_CHECKING:
    from bench.run import Report, Sizes

# A word the generator puts in about 5% of the notes (bench.generate.RARE_WORD).
SEARCH_WORD = "lighthouse"
HX = 'wrk.headers["HX-Request"] = "true"\n'

# (label, path, HTMX?, connections, target ratio to hello at the same connections)
PAGES = (
    ("timeline page (HTMX, 20 entries)", "/history/", True, 1, 0.2),
    ("timeline page (HTMX, 20 entries)", "/history/", True, 8, 0.35),
    ("full history page", "/history/", False, 1, 0.06),
    ("note search (a word in 5% of notes)", f"/history/?q={SEARCH_WORD}", True, 1, 0.15),
    ("insights for a year", "/history/insights/", False, 1, 0.04),
)


def index_bytes_per_note() -> tuple[float | None, int]:
    """The search index's size on disk (table, indexes, TOAST) per note."""
    from django.db import connection

    from journal.models import CheckIn, NoteIndex

    notes = CheckIn.objects.filter(note_ciphertext__isnull=False).count()
    table = NoteIndex._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        else:
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                    "(SELECT name FROM sqlite_master WHERE tbl_name = %s AND type = 'index')",
                    [table, table],
                )
            except Exception:
                return None, notes
        size = cursor.fetchone()[0]
    return (size / notes if notes and size is not None else None), notes


@section("reads")
def reads_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    import os

    from django.conf import settings
    from django.db import connection

    from bench.generate import fill_history, make_library, make_user, settle
    from bench.sections import _session_for, wrk
    from tests.faults import gunicorn

    vendor = connection.vendor
    tag = "" if vendor == "postgresql" else f" [{vendor}]"
    rng = random.Random(20)
    user = make_user("reads@bench.example")
    tracks = make_library(user, 500, rng, prefix="reads")
    fill_history(user, days=sizes.history_days, track_ids=tracks, rng=rng)
    settle()

    per_note, notes = index_bytes_per_note()
    report.add(
        f"search index size per note ({notes:,} notes){tag}",
        per_note,
        "bytes",
        "≤ 1 KB per note (issue 20)" if vendor == "postgresql" else "",
        (per_note <= 1024) if per_note is not None and vendor == "postgresql" else None,
    )

    session, csrf = _session_for(user)
    cookie = f'wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"\n'
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    db = settings.DATABASES["default"]
    if vendor == "postgresql":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db['NAME']}"
    seconds = sizes.load_seconds
    with gunicorn(env, "--workers", "3", "--log-level", "warning") as base:
        wrk(base + "/bench/hello", connections=2, seconds=1, lua=cookie)  # warm the workers
        for _label, path, htmx, _conns, _target in PAGES:  # and every page's code paths
            wrk(base + path, connections=1, seconds=1, lua=cookie + (HX if htmx else ""))
        # Each page right after its own hello run at the same connections, so
        # a ratio compares two figures taken under the same load (this
        # machine is shared, and its load moves within a run).
        baselines: dict[int, dict[str, float]] = {}
        for label, path, htmx, conns, target in PAGES:
            hello = wrk(base + "/bench/hello", connections=conns, seconds=seconds, lua=cookie)
            if conns not in baselines:
                baselines[conns] = hello
                report.add(
                    f"baseline: hello view logged in, {conns} conn{tag}",
                    hello["rps"],
                    "req/s",
                    f"p50 {hello['p50_ms']:.2f} ms",
                    None,
                )
            result = wrk(
                base + path, connections=conns, seconds=seconds, lua=cookie + (HX if htmx else "")
            )
            ok = result["non2xx"] == 0 and result["errors"] == 0
            ratio = result["rps"] / hello["rps"]
            report.add(
                f"{label}, {conns} conn / hello{tag}",
                ratio,
                "x",
                f"≥ {target} ({result['rps']:,.0f} req/s, p50 {result['p50_ms']:.1f} ms)",
                (ratio >= target) if ok else False,
                f"hello {hello['rps']:,.0f} req/s" if ok else f"{result['non2xx']} error responses",
            )
