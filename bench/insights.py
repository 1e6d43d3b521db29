"""Issue 17: insights for a year and for all time, the correlations section
and the year in review, for the 3-year user, through gunicorn at one
connection, as ratios to the logged-in hello view measured in the same run
(machines here differ by about 2x), with the milliseconds beside each; and
their query counts at a handful of check-ins and at three years."""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import TYPE_CHECKING

from bench.sections import section

if TYPE_CHECKING:
    from bench.run import Report, Sizes

# (label, path, target ratio to hello)
PAGES = (
    ("insights for a year", "/history/insights/?period={year}", 0.04),
    ("insights for all time", "/history/insights/?period=all", 0.03),
    ("correlations section (HTMX)", "/history/insights/correlations/?period={year}", 0.04),
    ("year in review", "/history/{year}/review/", 0.02),
)


def _warm(url: str, cookie: str, hx: bool = False, requests: int = 6) -> None:
    """Ask until the page answers (workers still booting answer late, and a
    wrk run whose first request outlasts its timeout counts nothing), then a
    few more times so each worker has loaded its code."""
    import time
    import urllib.request

    headers = {"Cookie": cookie, **({"HX-Request": "true"} if hx else {})}
    deadline = time.monotonic() + 120
    done = 0
    while done < requests:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60):
                done += 1
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@section("insights")
def insights_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.generate import fill_history, make_library, make_user, settle
    from bench.sections import _session_for, wrk  # defined after this module is imported
    from journal.models import CheckIn
    from tests.faults import gunicorn

    rng = random.Random(17)
    big = make_user("insights@bench.example")
    tracks = make_library(big, 500, rng, prefix="insights")
    fill_history(big, days=sizes.history_days, track_ids=tracks, rng=rng)
    today = big.local_today()
    year = today.year - 1 if sizes.history_days >= 400 else today.year
    # The small user's few days fall in the same year, so every page has
    # something to show at both sizes.
    small = make_user("insights-small@bench.example")
    fill_history(
        small,
        days=4,
        track_ids=make_library(small, 500, rng, prefix="insights"),
        rng=rng,
        end=min(today, dt.date(year, 6, 1)),
    )
    settle()
    big_count = CheckIn.objects.filter(user=big).count()
    small_count = CheckIn.objects.filter(user=small).count()

    def client(user: User) -> Client:
        browser = Client()
        browser.force_login(user)
        return browser

    small_client, big_client = client(small), client(big)
    hx = {"HX-Request": "true"}
    for label, path, _ in PAGES:
        url = path.format(year=year)
        headers = hx if "correlations" in label else {}
        counts = []
        for browser in (small_client, big_client):
            with CaptureQueriesContext(connection) as captured:
                status = browser.get(url, headers=headers).status_code
            counts.append(len(captured) if status == 200 else -status)
        few, many = counts
        report.add(
            f"{label}: queries at {big_count} check-ins",
            many,
            "queries",
            f"same as at {small_count} ({few})",
            many == few and many > 0,
        )

    session, csrf = _session_for(big)
    plain_cookie = f"sessionid={session}; csrftoken={csrf}"
    cookie = f'wrk.headers["Cookie"] = "{plain_cookie}"\n'
    db = settings.DATABASES["default"]
    dsn = f"postgres://postgres@127.0.0.1:5432/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": dsn}
    seconds = sizes.load_seconds
    with gunicorn(env, "--workers", "3", "--log-level", "warning") as base:
        _warm(base + "/bench/hello", plain_cookie)
        hello = wrk(base + "/bench/hello", connections=1, seconds=seconds, lua=cookie)
        report.add(
            "baseline: hello view logged in, 1 conn",
            hello["rps"],
            "req/s",
            f"{1000 / hello['rps']:.2f} ms a request",
            None,
        )
        for label, path, target in PAGES:
            lua = cookie + ('wrk.headers["HX-Request"] = "true"\n' if "HTMX" in label else "")
            url = base + path.format(year=year)
            _warm(url, plain_cookie, hx="HTMX" in label)
            found = wrk(url, connections=1, seconds=seconds, lua=lua)
            ok = found["non2xx"] == 0 and found["errors"] == 0 and found["requests"] > 0
            ratio = found["rps"] / hello["rps"]
            report.add(
                f"{label} / hello, 1 conn",
                ratio,
                "x",
                f">= {target} ({1000 / max(found['rps'], 1e-9):.1f} ms a request, "
                f"p50 {found['p50_ms']:.1f} ms)",
                ratio >= target if ok else False,
                "" if ok else f"{found['non2xx']} error responses",
            )
