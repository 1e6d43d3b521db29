"""A summary to bring to a therapist: the figures of one period, for print.

Built on the server and shown as a page with a print stylesheet; nothing is
sent anywhere (the person prints it or saves it as PDF from the browser).
Notes appear only when the person asks for them, and then only the notes of
the low stretches, the days most worth talking about.

Three queries whatever the period holds: the mood columns, the words and
the tags; a fourth for the notes of the low days when they are asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count

from journal.models import CheckIn
from mood.values import Quadrant, quadrant_of

if TYPE_CHECKING:
    from accounts.models import User

QUADRANTS = (Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL)
# A low day: its mean pleasantness at or below this.
LOW = -1.5
# A low stretch: at least this many low days, none more than a day apart
# (a day without a check-in does not break it; a better day does).
MIN_STRETCH_DAYS = 3
MAX_NOTES = 12


class Row(NamedTuple):
    local_date: dt.date
    pleasantness: int
    energy: int
    energy_estimated: bool


@dataclass(frozen=True)
class Bucket:
    start: dt.date
    pleasantness: float
    energy: float | None
    days: int


@dataclass(frozen=True)
class Stretch:
    start: dt.date
    end: dt.date
    days: int  # low days with a check-in within it
    mean: float

    @property
    def span(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Note:
    local_date: dt.date
    felt_at: dt.datetime
    text: str


@dataclass
class Summary:
    start: dt.date
    end: dt.date
    label: str
    checkins: int
    days: int
    scale: str  # "week" or "month": the buckets of the mood-over-time figure
    over_time: list[Bucket]
    quadrant_days: dict[Quadrant, int]
    pleasantness: float | None
    energy: float | None
    words: list[tuple[str, int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    low_stretches: list[Stretch] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    with_notes: bool = False

    @property
    def quadrant_share(self) -> list[tuple[Quadrant, int, int]]:
        """(quadrant, days, whole percent) for each quadrant with days."""
        return [(q, n, round(100 * n / self.days)) for q, n in self.quadrant_days.items() if n]


def _bucket_start(day: dt.date, scale: str) -> dt.date:
    if scale == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def day_means(rows: list[Row]) -> dict[dt.date, tuple[float, float | None]]:
    """Each day's mean pleasantness and recorded energy (None if none recorded)."""
    by_day: dict[dt.date, list[Row]] = defaultdict(list)
    for row in rows:
        by_day[row.local_date].append(row)
    means: dict[dt.date, tuple[float, float | None]] = {}
    for day, found in sorted(by_day.items()):
        energies = [r.energy for r in found if not r.energy_estimated]
        means[day] = (fmean(r.pleasantness for r in found), fmean(energies) if energies else None)
    return means


def low_stretches(
    means: dict[dt.date, float], low: float = LOW, min_days: int = MIN_STRETCH_DAYS
) -> list[Stretch]:
    """Runs of low days (mean ≤ `low`), allowing one day without a check-in
    between them; runs of at least `min_days` low days, in date order."""
    found: list[Stretch] = []
    run: list[dt.date] = []

    def close() -> None:
        if len(run) >= min_days:
            found.append(Stretch(run[0], run[-1], len(run), fmean(means[d] for d in run)))

    for day in sorted(means):
        if means[day] > low:
            close()
            run = []
            continue
        if run and (day - run[-1]).days > 2:
            close()
            run = []
        run.append(day)
    close()
    return found


def summary(
    user: User, start: dt.date, end: dt.date, label: str, *, with_notes: bool = False
) -> Summary:
    checkins = CheckIn.objects.owned_by(user).filter(local_date__gte=start, local_date__lte=end)
    rows = [Row(*values) for values in checkins.order_by().values_list(*Row._fields)]
    means = day_means(rows)
    scale = "week" if (end - start).days <= 120 else "month"
    buckets: dict[dt.date, list[tuple[float, float | None]]] = defaultdict(list)
    quadrant_days: dict[Quadrant, int] = dict.fromkeys(QUADRANTS, 0)
    for day, (p, e) in means.items():
        buckets[_bucket_start(day, scale)].append((p, e))
        quadrant = Quadrant.NEUTRAL if e is None else quadrant_of(round(p, 1), round(e, 1))
        quadrant_days[quadrant] += 1
    over_time = []
    for first, values in sorted(buckets.items()):
        energies = [e for _, e in values if e is not None]
        over_time.append(
            Bucket(
                first,
                fmean(p for p, _ in values),
                fmean(energies) if energies else None,
                len(values),
            )
        )
    recorded = [r.energy for r in rows if not r.energy_estimated]
    result = Summary(
        start=start,
        end=end,
        label=label,
        checkins=len(rows),
        days=len(means),
        scale=scale,
        over_time=over_time,
        quadrant_days=quadrant_days,
        pleasantness=fmean(r.pleasantness for r in rows) if rows else None,
        energy=fmean(recorded) if recorded else None,
        with_notes=with_notes,
    )
    if not rows:
        return result
    result.words = [
        (row["emotionword__word"], row["n"])
        for row in CheckIn.words.through.objects.filter(checkin__in=checkins)
        .values("emotionword__word")
        .annotate(n=Count("id"))
        .order_by("-n", "emotionword__word")[:10]
    ]
    result.tags = [
        (row["tag__name"], row["n"])
        for row in CheckIn.tags.through.objects.filter(checkin__in=checkins)
        .values("tag__name")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")[:10]
    ]
    result.low_stretches = low_stretches({day: p for day, (p, _) in means.items()})
    if with_notes and result.low_stretches:
        low_days = [
            day
            for stretch in result.low_stretches
            for day in means
            if stretch.start <= day <= stretch.end
        ]
        found = checkins.filter(local_date__in=low_days, note_ciphertext__isnull=False).order_by(
            "felt_at", "id"
        )[:MAX_NOTES]
        result.notes = [Note(c.local_date, c.felt_at, c.note) for c in found if c.note.strip()]
    return result
