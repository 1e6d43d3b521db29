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
