"""Benchmark: generating a playlist from a large library (issue 5: 20,000 songs
in well under 100 ms).

Two ways to run it:

- `make bench` / `python -m bench.run --only playlists`: the "playlists" section
  (registered in bench/sections.py) builds a user with `library_tracks` songs of
  known feel in the bench database and times `generate()` end to end (loading the
  songs from PostgreSQL included) and the pure core alone;
- standalone, no database: the pure core for each preset and mode:

    .venv/bin/python bench/playlists.py                         # 20,000 songs
    .venv/bin/python bench/playlists.py --size 1000 --repeat 3  # smoke size
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from music.playlist_engine import PRESETS, Candidate, sequence

if TYPE_CHECKING:
    from bench.run import Report, Sizes


def library(size: int, seed: int = 1) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            track_id=i,
            artist_id=rng.randrange(max(1, size // 10)),
            pleasantness=rng.uniform(-4, 4),
            energy=rng.uniform(-4, 4),
            comfort=1.0 if rng.random() < 0.05 else 0.0,
            social=rng.random() < 0.05,
        )
        for i in range(size)
    ]


def run_section(report: Report, sizes: Sizes, smoke: bool) -> None:
    """The "playlists" section of bench/run.py."""
    from bench.generate import _copy, make_library, make_user
    from music.playlists import generate, load_candidates

    rng = random.Random(5)
    n = sizes.library_tracks
    user = make_user("playlists@bench.example")
    track_ids = make_library(user, n, rng, prefix="playlists")
    _copy(
        "music_usertrack",
        [
            "user_id",
            "track_id",
            "feel_pleasantness",
            "feel_energy",
            "feel_source",
            "is_comfort",
            "play_count",
            "ms_played_total",
            "checkin_count",
        ],
        (
            (
                user.pk,
                tid,
                round(rng.uniform(-4, 4), 2),
                round(rng.uniform(-4, 4), 2),
                "rating",
                rng.random() < 0.05,
                rng.randint(0, 300),
                0,
                0,
            )
            for tid in track_ids
        ),
    )
    repeat = max(3, sizes.samples // 2)
    core: list[float] = []
    whole: list[float] = []
    songs = load_candidates(user)
    for run, (key, info) in enumerate(list(PRESETS.items()) * repeat):
        began = time.perf_counter()
        sequence(
            songs,
            start=info.default_start,
            target=info.target,
            length=8,
            seed=run,
            matching_share=info.matching_share,
            comfort_weight=info.comfort_weight,
            social_weight=info.social_weight,
        )
        core.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        plan = generate(user, preset=key, seed=run)
        whole.append((time.perf_counter() - began) * 1000)
        assert len(plan.tracks) == 8, plan.shortfall
    core_p50 = statistics.median(core)
    whole_p50 = statistics.median(whole)
    report.add(
        f"playlist, {n:,} songs, sequencing, p50",
        core_p50,
        "ms",
        "< 100 ms (issue 5)",
        core_p50 < 100,
    )
    report.add(
        f"playlist, {n:,} songs, with db load, p50",
        whole_p50,
        "ms",
        "(shown for context)",
        None,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--length", type=int, default=8)
    args = parser.parse_args()
    songs = library(args.size)
    print(f"{args.size:,} songs, {args.length} per playlist, {args.repeat} runs per preset")
    for key, info in PRESETS.items():
        for mode in ("iso", "compensatory"):
            timings = []
            for run in range(args.repeat):
                began = time.perf_counter()
                result = sequence(
                    songs,
                    start=info.default_start,
                    target=info.target,
                    length=args.length,
                    mode=mode,
                    seed=run,
                    matching_share=info.matching_share,
                    comfort_weight=info.comfort_weight,
                    social_weight=info.social_weight,
                )
                timings.append((time.perf_counter() - began) * 1000)
                assert len(result.chosen) == args.length, result.shortfall
            timings.sort()
            p50 = statistics.median(timings)
            worst = timings[-1]
            print(f"  {key:<11} {mode:<13} p50 {p50:6.1f} ms   max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
