"""A year in review: the figures behind /history/<year>/review/.

Seven queries whatever the year holds: the check-ins' mood columns, the words,
the tags, the songs attached to check-ins, the days with listening, the
longest note (found by its stored length, then decrypted alone) and the
years with data. Everything else is one pass in Python over those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import fmean
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, F
from django.db.models.functions import ExtractYear, Length, TruncDate

from journal.insights.queries import SONG_LINK_COLUMNS
from journal.models import CheckIn, CheckInTrack
from mood.values import Quadrant, quadrant_of
from music.models import Listen

if TYPE_CHECKING:
    from accounts.models import User

QUADRANTS = (Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL)
LIFT_WINDOW = dt.timedelta(hours=24)
MIN_LIFTS = 3
TOP = 5
EXCERPT = 280


class Row(NamedTuple):
    id: int
    felt_at: dt.datetime
    local_date: dt.date
    pleasantness: int
    energy: int
    energy_estimated: bool


@dataclass(frozen=True)
class Month:
    first: dt.date
    days: int
    checkins: int
    pleasantness: float | None
    energy: float | None  # recorded energy only
    quadrant_days: dict[Quadrant, int]

    @property
    def main_quadrant(self) -> Quadrant | None:
        counted = [(n, q) for q, n in self.quadrant_days.items() if n]
        if not counted:
            return None
        return max(counted, key=lambda item: (item[0], -QUADRANTS.index(item[1])))[1]


@dataclass(frozen=True)
class Named:
    id: int
    name: str
    count: int
    detail: str = ""  # an artist beside a song


@dataclass(frozen=True)
class Lift:
    track_id: int
    title: str
    artist: str
    followed: int
    better: int


@dataclass(frozen=True)
class Streak:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class LongestEntry:
    checkin_id: int
    local_date: dt.date
    words: int
    excerpt: str


@dataclass
class YearReview:
    year: int
    checkins: int
    days: int
    months: list[Month]
    quadrant_days: dict[Quadrant, int]
    songs: dict[Quadrant, list[Named]] = field(default_factory=dict)
    artists: dict[Quadrant, list[Named]] = field(default_factory=dict)
    lifts: list[Lift] = field(default_factory=list)
    words: list[Named] = field(default_factory=list)
    tags: list[Named] = field(default_factory=list)
    streaks: list[Streak] = field(default_factory=list)
    longest: LongestEntry | None = None
    years: list[int] = field(default_factory=list)
    estimated_days: int = 0  # days whose energy an import could not know

    @property
    def empty(self) -> bool:
        return not self.checkins

    @property
    def best_month(self) -> Month | None:
        known = [m for m in self.months if m.pleasantness is not None]
        return max(known, key=lambda m: (m.pleasantness, m.first)) if known else None


def _day_quadrant(pleasantness: list[int], energies: list[int]) -> Quadrant:
    mean_p = round(fmean(pleasantness), 1)
    if not energies:
        # No energy recorded (an import): the calendar colours these days by
        # pleasantness; the review counts them as in between for the quadrants.
        return Quadrant.NEUTRAL
    return quadrant_of(mean_p, round(fmean(energies), 1))


def _months(year: int, rows: list[Row]) -> tuple[list[Month], dict[Quadrant, int], int]:
    by_day: dict[dt.date, list[Row]] = defaultdict(list)
    for row in rows:
        by_day[row.local_date].append(row)
    months: list[Month] = []
    totals: dict[Quadrant, int] = dict.fromkeys(QUADRANTS, 0)
    estimated = 0
    per_month: dict[int, list[dt.date]] = defaultdict(list)
    for day in by_day:
        per_month[day.month].append(day)
    for number in range(1, 13):
        days = per_month.get(number, [])
        counts: dict[Quadrant, int] = dict.fromkeys(QUADRANTS, 0)
        month_rows = [row for day in days for row in by_day[day]]
        for day in days:
            energies = [r.energy for r in by_day[day] if not r.energy_estimated]
            estimated += not energies
            quadrant = _day_quadrant([r.pleasantness for r in by_day[day]], energies)
            counts[quadrant] += 1
            totals[quadrant] += 1
        recorded = [r.energy for r in month_rows if not r.energy_estimated]
        months.append(
            Month(
                dt.date(year, number, 1),
                len(days),
                len(month_rows),
                fmean(r.pleasantness for r in month_rows) if month_rows else None,
                fmean(recorded) if recorded else None,
                counts,
            )
        )
    return months, totals, estimated


def _top(counter: Counter[int], names: dict[int, tuple[str, str]], limit: int) -> list[Named]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], names[item[0]][0].casefold()))
    return [Named(key, names[key][0], n, names[key][1]) for key, n in ranked[:limit]]


def _music(
    links: list[tuple[int, int, str, int, str, int, int]], rows: list[Row]
) -> tuple[dict[Quadrant, list[Named]], dict[Quadrant, list[Named]], list[Lift]]:
    songs: dict[Quadrant, Counter[int]] = defaultdict(Counter)
    artists: dict[Quadrant, Counter[int]] = defaultdict(Counter)
    song_names: dict[int, tuple[str, str]] = {}
    artist_names: dict[int, tuple[str, str]] = {}
    for _checkin, track, title, artist_id, artist, p, e in links:
        quadrant = quadrant_of(p, e)
        songs[quadrant][track] += 1
        artists[quadrant][artist_id] += 1
        song_names[track] = (title, artist)
        artist_names[artist_id] = (artist, "")
    # What followed each check-in: was the next one, within a day, more pleasant?
    following = {
        before.id: after.pleasantness > before.pleasantness
        for before, after in pairwise(rows)
        if after.felt_at - before.felt_at <= LIFT_WINDOW
    }
    tally: dict[int, list[int]] = {}
    for checkin, track, *_ in links:
        if checkin in following:
            entry = tally.setdefault(track, [0, 0])
            entry[0] += 1
            entry[1] += following[checkin]
    lifts = [
        Lift(track, *song_names[track], followed, better)
        for track, (followed, better) in tally.items()
        if followed >= MIN_LIFTS and better * 2 > followed
    ]
    lifts.sort(key=lambda lift: (-lift.better / lift.followed, -lift.followed, lift.title))
    return (
        {q: _top(songs[q], song_names, 3) for q in QUADRANTS if songs.get(q)},
        {q: _top(artists[q], artist_names, 3) for q in QUADRANTS if artists.get(q)},
        lifts[:TOP],
    )


def streaks(days: list[dt.date], limit: int = 3) -> list[Streak]:
    """The longest runs of consecutive days, longest (then earliest) first."""
    runs: list[Streak] = []
    start = previous = None
    for day in sorted(set(days)):
        if previous is not None and day - previous == dt.timedelta(days=1):
            previous = day
            continue
        if start is not None and previous is not None:
            runs.append(Streak(start, previous))
        start = previous = day
    if start is not None and previous is not None:
        runs.append(Streak(start, previous))
    runs.sort(key=lambda run: (-run.days, run.start))
    return [run for run in runs if run.days > 1][:limit]


def _longest(user: User, year: int) -> LongestEntry | None:
    from journal.timeline import note_excerpt

    checkin = (
        CheckIn.objects.owned_by(user)
        .filter(local_date__year=year, note_ciphertext__isnull=False)
        .annotate(size=Length("note_ciphertext"))
        .order_by("-size", "felt_at")
        .first()
    )
    if checkin is None:
        return None
    text = checkin.note
    if not text.strip():
        return None
    return LongestEntry(
        checkin.pk, checkin.local_date, len(text.split()), note_excerpt(checkin, EXCERPT)
    )


def year_review(user: User, year: int) -> YearReview:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    checkins = CheckIn.objects.owned_by(user).filter(local_date__gte=start, local_date__lte=end)
    rows = [Row(*values) for values in checkins.order_by("felt_at", "id").values_list(*Row._fields)]
    months, quadrant_days, estimated = _months(year, rows)
    review = YearReview(
        year=year,
        checkins=len(rows),
        days=sum(m.days for m in months),
        months=months,
        quadrant_days=quadrant_days,
        estimated_days=estimated,
    )
    review.years = sorted(
        CheckIn.objects.owned_by(user)
        .order_by()
        .annotate(y=ExtractYear("local_date"))
        .values_list("y", flat=True)
        .distinct()
    )
    if not rows:
        return review
    links = list(
        CheckInTrack.objects.filter(checkin__in=checkins).order_by().values_list(*SONG_LINK_COLUMNS)
    )
    review.songs, review.artists, review.lifts = _music(links, rows)
    review.words = [
        Named(row["emotionword_id"], row["emotionword__word"], row["n"])
        for row in CheckIn.words.through.objects.filter(checkin__in=checkins)
        .values("emotionword_id", "emotionword__word")
        .annotate(n=Count("id"))
        .order_by("-n", "emotionword__word")[:10]
    ]
    review.tags = [
        Named(row["tag_id"], row["tag__name"], row["n"])
        for row in CheckIn.tags.through.objects.filter(checkin__in=checkins)
        .values("tag_id", "tag__name")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")[:10]
    ]
    zone = user.zone
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    listen_days = (
        Listen.objects.filter(user=user, played_at__gte=since, played_at__lt=until)
        .annotate(day=TruncDate(F("played_at"), tzinfo=zone))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    review.streaks = streaks(list(listen_days))
    review.longest = _longest(user, year)
    return review


def offered_review_year(today: dt.date, years: list[int]) -> int | None:
    """In January, the year before (if it has check-ins) is offered on the
    check-in page; the rest of the year, reviews are reached from the calendar."""
    if today.month == 1 and today.year - 1 in years:
        return today.year - 1
    return None
