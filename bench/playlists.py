"""Benchmark: generating a playlist from a large library (QUALITY.md, issue 5).

Times the pure sequencing core (music/playlists.py: sequence) for each preset on
a random library, and prints the figures. No database needed:

    .venv/bin/python bench/playlists.py            # 20,000 songs
    .venv/bin/python bench/playlists.py --size 1000 --repeat 3   # smoke size
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from music.playlists import PRESETS, Candidate, sequence


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
