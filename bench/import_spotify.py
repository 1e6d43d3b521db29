"""Benchmark: import a generated Spotify extended history (QUALITY.md bar 17).

    ATTUNE_TEST_REDIS_DB=2 .venv/bin/pytest bench/import_spotify.py -q -s [--plays N]

Prints the time and peak RSS of the import, then re-imports and checks that
nothing is added. Defaults to 100,000 plays over 3,000 tracks; CI runs a smoke
size with BENCH_PLAYS=2000.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import time
from pathlib import Path

import pytest

from accounts.models import User
from imports.jobs import create_job_from_path, run_job
from music.models import Listen

PLAYS = int(os.environ.get("BENCH_PLAYS", "100000"))
TRACKS = max(10, PLAYS // 33)


def _write_history(path: Path, plays: int) -> None:
    rng = random.Random(1)
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    with path.open("w") as out:
        out.write("[\n")
        moment = start
        for i in range(plays):
            n = rng.randrange(TRACKS)
            ms = rng.randint(5_000, 300_000)
            moment += dt.timedelta(milliseconds=ms + rng.randint(0, 600_000))
            item = {
                "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "platform": "android",
                "ms_played": ms,
                "conn_country": "DE",
                "master_metadata_track_name": f"Song {n}",
                "master_metadata_album_artist_name": f"Artist {n % 400}",
                "master_metadata_album_album_name": f"Album {n % 900}",
                "spotify_track_uri": f"spotify:track:{n:022d}",
                "episode_name": None,
                "reason_start": "trackdone",
                "reason_end": "trackdone",
                "shuffle": False,
                "skipped": False,
                "incognito_mode": False,
            }
            out.write(json.dumps(item))
            out.write(",\n" if i < plays - 1 else "\n")
        out.write("]\n")


@pytest.mark.django_db
def test_bench_spotify_import(alice: User, tmp_path: Path) -> None:
    path = tmp_path / "Streaming_History_Audio_2019-2024_0.json"
    _write_history(path, PLAYS)
    size_mb = path.stat().st_size / 1e6
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    job = run_job(create_job_from_path(alice, "spotify", path).pk)
    elapsed = time.perf_counter() - t0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert job is not None and job.status == "done", job and job.message
    print(
        f"\nspotify import: {PLAYS} plays, {size_mb:.1f} MB, {elapsed:.2f} s, "
        f"peak RSS {peak_rss:.0f} MB (was {before_rss:.0f} MB before), imported {job.imported}"
    )
    t0 = time.perf_counter()
    again = run_job(create_job_from_path(alice, "spotify", path).pk)
    assert again is not None and again.imported == 0
    print(f"re-import: {time.perf_counter() - t0:.2f} s, added {again.imported}")
    assert Listen.objects.filter(user=alice).count() == job.imported
