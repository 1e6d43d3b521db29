"""Honest correlations: how a day's mood differs with and without something.

Pure functions over plain data (no database): the caller hands in each day's
mood and, per thing to compare (a tag, a word, a song, a day attribute), the
days it was there. Method (docs/correlations.md says why):

- A day's mood is the mean pleasantness of its check-ins. Only days with a
  check-in count; a numeric attribute counts only days where it was recorded.
- The figure is the difference of means: days with it minus days without.
  The **next-day** figure compares the mood of the day *after* a day with it
  to the day after a day without it (only pairs of consecutive days that
  both have a check-in).
- Confidence comes from a **permutation test**: shuffle which days are
  "with" `RESAMPLES` times (seeded, so the same data always gives the same
  answer) and count how often chance alone gives a difference at least as
  large. All shuffles for one set of days are drawn once and shared by every
  thing compared on those days (prefix sums of shuffled moods give a random
  k-day subset for every k at once), so fifty tags cost about what one does.
- Many things are compared at once, so claims are filtered with the
  Benjamini–Hochberg procedure (false discovery rate `FDR`), not a bare
  p < 0.05: with fifty tags, a few would clear that bar by chance alone.
- Nothing is compared with fewer than `MIN_DAYS` days on either side.

Every finding is a pattern, never a cause; the page says so.

numpy is imported when a comparison runs, not with the module: the URLs load
this module in every process (a management command's checks too), and numpy
is some 14 MB of memory there.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_DAYS = 10
RESAMPLES = 1000
SEED = 17
FDR = 0.05
ONE_DAY = dt.timedelta(days=1)


class Lag(StrEnum):
    SAME_DAY = "same"
    NEXT_DAY = "next"


@dataclass(frozen=True)
class Candidate:
    """Something to compare: the days it was there, among `universe` (None:
    every day with a mood)."""

    kind: str  # "tag", "word", "song", "artist", "listening", "attribute"
    key: str
    name: str
    present: frozenset[dt.date]
    universe: frozenset[dt.date] | None = None
    # For numeric attributes split at the median: what "with" means in words.
    with_label: str = ""
    without_label: str = ""


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    name: str
    lag: Lag
    with_days: int
    without_days: int
    with_mean: float
    without_mean: float
    p_value: float
    # Differences up to this size turn up by chance 19 times in 20 (the 95th
    # percentile of the shuffled differences): the figure's noise level.
    chance_margin: float
    claimed: bool = False
    with_label: str = ""
    without_label: str = ""

    @property
    def difference(self) -> float:
        return self.with_mean - self.without_mean


@dataclass(frozen=True)
class Skipped:
    """Compared too rarely to say anything."""

    kind: str
    name: str
    lag: Lag
    with_days: int
    without_days: int


@dataclass
class Report:
    findings: list[Finding]  # every compared thing, claimed ones first
    skipped: list[Skipped]
    days: int  # days with a mood
    min_days: int = MIN_DAYS
    resamples: int = RESAMPLES

    @property
    def claimed(self) -> list[Finding]:
        return [f for f in self.findings if f.claimed]

    @property
    def unclaimed(self) -> list[Finding]:
        return [f for f in self.findings if not f.claimed]


class _Null:
    """The shuffled-days distribution for one set of day moods."""

    def __init__(
        self, values: np.ndarray, rng: np.random.Generator, resamples: int, longest: int
    ) -> None:
        import numpy as np

        self.n = len(values)
        self.total = float(values.sum())
        shuffled = rng.permuted(np.tile(values.astype(np.float32), (resamples, 1)), axis=1)
        # Column k-1 holds, per shuffle, the sum of a random k-day subset; a
        # subset over half is the complement of one under half, so only the
        # first `longest` (≤ n/2) columns are kept.
        self.prefix = np.cumsum(shuffled[:, :longest], axis=1, dtype=np.float64)
        self.resamples = resamples

    def test(self, k: int, observed_sum: float) -> tuple[float, float]:
        """(p-value, chance margin) for a with-group of `k` days summing to
        `observed_sum`. Two-sided on the difference of means, which is
        (S − kT/n) · n / (k(n − k)): the deviation of the sum decides."""
        import numpy as np

        n, total = self.n, self.total
        small = min(k, n - k)
        scale = n / (k * (n - k))
        deviations = np.abs(self.prefix[:, small - 1] - small * total / n)
        observed = abs(observed_sum - k * total / n)
        # A small tolerance so exact ties (common with whole-number moods) count.
        extreme = int(np.count_nonzero(deviations >= observed - 1e-6))
        p_value = (1 + extreme) / (self.resamples + 1)
        # The 95th percentile, by partition (a full quantile sorts all shuffles).
        index = int(0.95 * (len(deviations) - 1))
        margin = float(np.partition(deviations, index)[index]) * scale
        return p_value, margin


def next_day_moods(moods: Mapping[dt.date, float]) -> dict[dt.date, float]:
    """For each day whose next day has a mood: that next day's mood."""
    return {day: moods[day + ONE_DAY] for day in moods if day + ONE_DAY in moods}


def benjamini_hochberg(p_values: list[float], rate: float = FDR) -> list[bool]:
    """Which hypotheses to reject, keeping the expected share of false claims
    among the claims at or below `rate`."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    m = len(p_values)
    cutoff = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= rate * rank / m:
            cutoff = rank
    rejected = [False] * m
    for index in order[:cutoff]:
        rejected[index] = True
    return rejected


def median_split(
    values: Mapping[dt.date, float], moods: Mapping[dt.date, float]
) -> tuple[frozenset[dt.date], frozenset[dt.date], float] | None:
    """Days above the median value, the days it was recorded on (with a
    mood), and the median; None when every value is the same."""
    universe = frozenset(day for day in values if day in moods)
    if not universe:
        return None
    middle = statistics.median(values[day] for day in universe)
    above = frozenset(day for day in universe if values[day] > middle)
    if not above or len(above) == len(universe):
        return None
    return above, universe, middle


def compare(
    moods: Mapping[dt.date, float],
    candidates: Iterable[Candidate],
    *,
    lags: Iterable[Lag] = (Lag.SAME_DAY, Lag.NEXT_DAY),
    min_days: int = MIN_DAYS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    rate: float = FDR,
) -> Report:
    """Compare mood with and without each candidate, at each lag.

    Claims are filtered per family (one kind at one lag: "tags, next day"),
    the way the page lists them.
    """
    import numpy as np

    by_lag = {Lag.SAME_DAY: dict(moods), Lag.NEXT_DAY: next_day_moods(moods)}
    # First the counts and sums, so each shuffled distribution is drawn once,
    # only as long as its longest comparison needs.
    pending: list[tuple[Candidate, Lag, frozenset[dt.date] | None, int, int, float]] = []
    skipped: list[Skipped] = []
    longest: dict[tuple[Lag, frozenset[dt.date] | None], int] = {}
    for candidate in candidates:
        for lag in lags:
            values = by_lag[lag]
            size = (
                len(values)
                if candidate.universe is None
                else sum(1 for day in candidate.universe if day in values)
            )
            inside = [day for day in candidate.present if day in values]
            if candidate.universe is not None:
                inside = [day for day in inside if day in candidate.universe]
            with_n = len(inside)
            without_n = size - with_n
            if with_n < min_days or without_n < min_days:
                skipped.append(Skipped(candidate.kind, candidate.name, lag, with_n, without_n))
                continue
            with_sum = sum(values[day] for day in inside)
            key = (lag, candidate.universe)
            longest[key] = max(longest.get(key, 0), min(with_n, without_n))
            pending.append((candidate, lag, candidate.universe, with_n, without_n, with_sum))
    rng = np.random.default_rng(seed)
    nulls: dict[tuple[Lag, frozenset[dt.date] | None], _Null] = {}
    for lag, universe in sorted(longest, key=_null_order):
        values = by_lag[lag]
        days = sorted(values) if universe is None else sorted(d for d in universe if d in values)
        array = np.fromiter((values[day] for day in days), dtype=float, count=len(days))
        nulls[(lag, universe)] = _Null(array, rng, resamples, longest[(lag, universe)])
    findings: list[Finding] = []
    for candidate, lag, universe, with_n, without_n, with_sum in pending:
        null = nulls[(lag, universe)]
        p_value, margin = null.test(with_n, with_sum)
        findings.append(
            Finding(
                kind=candidate.kind,
                key=candidate.key,
                name=candidate.name,
                lag=lag,
                with_days=with_n,
                without_days=without_n,
                with_mean=with_sum / with_n,
                without_mean=(null.total - with_sum) / without_n,
                p_value=p_value,
                chance_margin=margin,
                with_label=candidate.with_label,
                without_label=candidate.without_label,
            )
        )
    families: dict[tuple[str, Lag], list[int]] = {}
    for index, finding in enumerate(findings):
        families.setdefault((finding.kind, finding.lag), []).append(index)
    claimed = [False] * len(findings)
    for members in families.values():
        verdicts = benjamini_hochberg([findings[i].p_value for i in members], rate)
        for index, verdict in zip(members, verdicts, strict=True):
            claimed[index] = verdict
    findings = [replace(f, claimed=c) for f, c in zip(findings, claimed, strict=True)]
    findings.sort(key=lambda f: (not f.claimed, -abs(f.difference), f.name.lower()))
    return Report(findings, skipped, len(moods), min_days, resamples)


def _null_order(key: tuple[Lag, frozenset[dt.date] | None]) -> tuple[str, int, dt.date]:
    # Draw the distributions in a fixed order, so a seed gives the same shuffles
    # whatever order the candidates came in.
    lag, universe = key
    if universe is None:
        return (lag.value, 0, dt.date.min)
    return (lag.value, len(universe), min(universe))


def signed(value: float) -> str:
    """+1.2 / −0.3 / 0.0, as the insights page writes a mean."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"−{abs(rounded):.1f}"


def _chance(p_value: float) -> str:
    if p_value <= 0.001:
        return "less than 1 time in 1,000"
    if p_value <= 0.01:
        return "less than 1 time in 100"
    if p_value <= 0.05:
        return "less than 1 time in 20"
    return f"about {round(p_value * 100)} times in 100"


def _subject(finding: Finding) -> tuple[str, str]:
    """How to say 'days with it' and 'days without it' for each kind."""
    name = finding.name
    if finding.with_label:
        return finding.with_label, finding.without_label
    return {
        "tag": (f"days tagged “{name}”", "days without it"),
        "word": (f"days you felt “{name}”", "days you didn't"),
        "song": (f"days you added “{name}”", "days without it"),
        "artist": (f"days with music by {name}", "days without"),
    }.get(finding.kind, (f"days with {name}", "days without"))


def sentence(finding: Finding) -> str:
    """The finding in one plain sentence, pattern-not-cause included."""
    with_text, without_text = _subject(finding)
    if finding.lag is Lag.NEXT_DAY:
        lead = f"The day after {with_text}, your mood averaged"
        than = f"than the day after {without_text}"
    else:
        lead = f"On {with_text}, your mood averaged"
        than = f"than on {without_text}"
    size = abs(finding.difference)
    direction = "higher" if finding.difference > 0 else "lower"
    counts = f"({finding.with_days} days against {finding.without_days})"
    if round(size, 1) == 0:
        body = f"{lead} the same as {than.removeprefix('than ')} {counts}."
    else:
        body = f"{lead} {size:.1f} {direction} {than} {counts}."
    if finding.claimed:
        return (
            f"{body} Chance alone would give a difference this large {_chance(finding.p_value)}."
            " It is a pattern that went together, not proof that one caused the other."
        )
    return (
        f"{body} Differences up to {finding.chance_margin:.1f} turn up by chance here, "
        "so this could be chance."
    )
