"""What a person's check-ins and listening say over time, computed set-based.

Every function runs a fixed number of queries whatever the amount of data
(aggregates in the database, or one pass over a few columns in Python where
the figure needs the user's local clock). Figures are descriptive only: the
page words them as "on days you ... your mood averaged ...", never as causes.

"Mood" in a single figure means pleasantness (−4 … +4); energy is reported
beside it where it helps.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from statistics import fmean
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from journal.models import CheckIn, CheckInTrack
from journal.mood import Quadrant, quadrant_of
from music.models import Listen, Track

if TYPE_CHECKING:
    from collections.abc import Callable

    from accounts.models import User

# Below this many days on either side, a tag comparison is not shown.
MIN_TAG_DAYS = 5
# A song is a "lift" candidate after this many check-ins with a next one.
MIN_LIFT_SAMPLES = 3
# The next check-in must come within this time to count as "what followed".
LIFT_WINDOW = dt.timedelta(hours=24)
# Listening buckets need this many days to show a figure.
MIN_LISTEN_DAYS = 5
RECORDED_ENERGY = Q(energy_estimated=False)
QUADRANT_ORDER = (Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL)


def signed(value: float) -> str:
    """+1.2 / −0.3 / 0.0: how the page writes a mean."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"−{abs(rounded):.1f}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def live_checkins(
    user: User, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[CheckIn]:
    checkins = CheckIn.objects.owned_by(user)
    if start is not None:
        checkins = checkins.filter(local_date__gte=start)
    if end is not None:
        checkins = checkins.filter(local_date__lte=end)
    return checkins


# --- Days -----------------------------------------------------------------


@dataclass(frozen=True)
class DayMood:
    """The mood of one local day (or a longer bucket): mean and range."""

    date: dt.date
    pleasantness: float
    energy: float
    min_pleasantness: int
    max_pleasantness: int
    min_energy: int
    max_energy: int
    count: int
    # Check-ins with a recorded energy. Energy that an import had to guess
    # (a pleasantness-only app) is left out of every energy figure; with none
    # recorded, energy reads 0 and the day shows "in between".
    energy_count: int = -1
    # The mean of the guessed energies, for a bucket whose every energy was
    # guessed by an import (None otherwise). Only the calendar's colour uses
    # it, marked as an estimate, so an imported year is not all "in between".
    estimated_energy: float | None = None

    def __post_init__(self) -> None:
        if self.energy_count < 0:
            object.__setattr__(self, "energy_count", self.count)

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(round(self.pleasantness, 1), round(self.energy, 1))

    @property
    def energy_is_estimate(self) -> bool:
        return self.energy_count == 0 and self.estimated_energy is not None

    @property
    def shown_quadrant(self) -> Quadrant:
        """The calendar's colour: the quadrant, using the import's estimated
        energy when no energy was recorded that day."""
        if self.energy_is_estimate:
            assert self.estimated_energy is not None
            return quadrant_of(round(self.pleasantness, 1), round(self.estimated_energy, 1))
        return self.quadrant


class MoodRow(NamedTuple):
    """The few columns of a check-in that every mood figure reads."""

    id: int
    felt_at: dt.datetime
    local_date: dt.date
    time_zone: str
    pleasantness: int
    energy: int
    energy_estimated: bool


def mood_rows(user: User, start: dt.date | None, end: dt.date | None) -> list[MoodRow]:
    """The user's check-ins from `start` to `end`, oldest first (one query).

    Load these once and pass them as `rows=` to the figures below: a year is
    about a thousand short rows, cheaper to group in Python several ways than
    to send the database one grouped query per figure.
    """
    return [
        MoodRow(*row)
        for row in live_checkins(user, start, end)
        .order_by("felt_at", "id")
        .values_list(*MoodRow._fields)
    ]


def _within(rows: list[MoodRow], start: dt.date | None, end: dt.date | None) -> list[MoodRow]:
    return [
        row
        for row in rows
        if (start is None or row.local_date >= start) and (end is None or row.local_date <= end)
    ]


def _rows(
    user: User, start: dt.date | None, end: dt.date | None, rows: list[MoodRow] | None
) -> list[MoodRow]:
    return mood_rows(user, start, end) if rows is None else _within(rows, start, end)


def _mood_buckets(rows: list[MoodRow], bucket: Callable[[dt.date], dt.date]) -> list[DayMood]:
    # One pass, running totals per bucket: [n, sum, min, max] of pleasantness,
    # then the same of recorded energy (an import's guessed energy is left
    # out of every energy figure), then the sum of guessed energy.
    totals: dict[dt.date, list[int]] = {}
    for row in rows:
        key = bucket(row.local_date)
        p, e = row.pleasantness, row.energy
        t = totals.get(key)
        if t is None:
            t = totals[key] = [0, 0, p, p, 0, 0, e, e, 0]
        t[0] += 1
        t[1] += p
        if p < t[2]:
            t[2] = p
        elif p > t[3]:
            t[3] = p
        if row.energy_estimated:
            t[8] += e
            continue
        if not t[4]:
            t[6] = t[7] = e
        t[4] += 1
        t[5] += e
        if e < t[6]:
            t[6] = e
        elif e > t[7]:
            t[7] = e
    return [
        DayMood(
            date=key,
            pleasantness=t[1] / t[0],
            energy=t[5] / t[4] if t[4] else 0.0,
            min_pleasantness=t[2],
            max_pleasantness=t[3],
            min_energy=t[6] if t[4] else 0,
            max_energy=t[7] if t[4] else 0,
            count=t[0],
            energy_count=t[4],
            estimated_energy=None if t[4] else t[8] / t[0],
        )
        for key, t in sorted(totals.items())
    ]


def _same_day(day: dt.date) -> dt.date:
    return day


def daily_moods(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    rows: list[MoodRow] | None = None,
) -> list[DayMood]:
    """One entry per local day that has check-ins (one query, none with `rows`)."""
    return _mood_buckets(_rows(user, start, end, rows), _same_day)


# --- Calendar (year in pixels) -----------------------------------------------


@dataclass
class CalendarMonth:
    first: dt.date
    leading_blanks: int  # days before the 1st in a Monday-first week
    days: list[tuple[dt.date, DayMood | None]]

    @property
    def blanks(self) -> range:
        return range(self.leading_blanks)


@dataclass
class CalendarYear:
    year: int
    months: list[CalendarMonth]
    days_with_checkins: int
    quadrant_days: dict[Quadrant, int]
    years: list[int]  # years that have check-ins, for the selector
    estimated_days: int = 0  # days coloured with an import's estimated energy

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return max(earlier) if earlier else None

    @property
    def next_year(self) -> int | None:
        later = [y for y in self.years if y > self.year]
        return min(later) if later else None


def calendar_year(user: User, year: int) -> CalendarYear:
    """Each day of `year` with its mean mood (two queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    by_day = {day.date: day for day in daily_moods(user, start, end)}
    years = sorted(
        {d.year for d in CheckIn.objects.owned_by(user).dates("local_date", "year")} | {year}
    )
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        days = [
            (first + dt.timedelta(days=i), by_day.get(first + dt.timedelta(days=i)))
            for i in range((following - first).days)
        ]
        months.append(CalendarMonth(first, first.weekday(), days))
    counts: dict[Quadrant, int] = dict.fromkeys(QUADRANT_ORDER, 0)
    for day in by_day.values():
        # A day without recorded energy has no quadrant: the calendar colours
        # it by pleasantness (calendar_chart.tone_days counts those).
        if not day.energy_is_estimate:
            counts[day.quadrant] += 1
    estimated = sum(day.energy_is_estimate for day in by_day.values())
    return CalendarYear(year, months, len(by_day), counts, years, estimated)


def last_felt(user: User) -> list[tuple[Quadrant, dt.datetime | None]]:
    """When each quadrant was last felt ("when did I last feel calm?"): one
    aggregate query whatever the history's length."""
    from journal.timeline import QUADRANT_FILTERS

    latest = CheckIn.objects.owned_by(user).aggregate(
        **{q.value: Max("felt_at", filter=QUADRANT_FILTERS[q]) for q in QUADRANT_ORDER}
    )
    return [(q, latest[q.value]) for q in QUADRANT_ORDER]


# --- Mood over time ---------------------------------------------------------


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"day": "Days", "week": "Weeks", "month": "Months"}[self.value]


@dataclass
class MoodSeries:
    period: Period
    start: dt.date
    end: dt.date
    buckets: list[dt.date]  # every bucket start in the window, with or without data
    moods: dict[dt.date, DayMood]

    @property
    def points(self) -> list[tuple[dt.date, DayMood | None]]:
        return [(b, self.moods.get(b)) for b in self.buckets]

    @property
    def count(self) -> int:
        return sum(m.count for m in self.moods.values())


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def series_start(period: Period, end: dt.date) -> dt.date:
    """The first day `mood_over_time` covers for `period` up to `end`."""
    if period is Period.DAY:
        return end - dt.timedelta(days=29)
    if period is Period.WEEK:
        return end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=25)
    return _add_months(_month_start(end), -11)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def mood_over_time(
    user: User, period: Period, end: dt.date, rows: list[MoodRow] | None = None
) -> MoodSeries:
    """Mean and range of pleasantness and energy per day (last 30 days), week
    (last 26 weeks) or month (last 12 months) up to `end` (one query, none
    with `rows` reaching back to `series_start`)."""
    start = series_start(period, end)
    found = _rows(user, start, end, rows)
    if period is Period.DAY:
        buckets = [start + dt.timedelta(days=i) for i in range(30)]
        moods = {m.date: m for m in _mood_buckets(found, _same_day)}
    elif period is Period.WEEK:
        buckets = [start + dt.timedelta(weeks=i) for i in range(26)]
        moods = {m.date: m for m in _mood_buckets(found, _week_start)}
    else:
        buckets = [_add_months(start, i) for i in range(12)]
        moods = {m.date: m for m in _mood_buckets(found, _month_start)}
    return MoodSeries(period, start, end, buckets, moods)


def bucket_of(period: Period) -> Callable[[dt.date], dt.date]:
    return {Period.DAY: _same_day, Period.WEEK: _week_start, Period.MONTH: _month_start}[period]


def mood_series(period: Period, start: dt.date, end: dt.date, rows: list[MoodRow]) -> MoodSeries:
    """Mean and range per day, week or month from `start` to `end`, every
    bucket listed with or without data (no query: pass the rows)."""
    bucket = bucket_of(period)
    first = bucket(start)
    buckets: list[dt.date] = []
    current = first
    while current <= end:
        buckets.append(current)
        if period is Period.DAY:
            current += dt.timedelta(days=1)
        elif period is Period.WEEK:
            current += dt.timedelta(weeks=1)
        else:
            current = _add_months(current, 1)
    moods = {m.date: m for m in _mood_buckets(_within(rows, start, end), bucket)}
    return MoodSeries(period, start, end, buckets, moods)


# --- Weekday and time of day ------------------------------------------------


@dataclass(frozen=True)
class PatternBucket:
    label: str
    pleasantness: float | None
    energy: float | None
    count: int


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def weekday_pattern(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    rows: list[MoodRow] | None = None,
) -> list[PatternBucket]:
    """Mean mood per local weekday, Monday first (one query, none with `rows`)."""
    grouped: dict[int, list[MoodRow]] = defaultdict(list)
    for row in _rows(user, start, end, rows):
        grouped[row.local_date.weekday()].append(row)
    return [
        _pattern_bucket(name, grouped.get(index, [])) for index, name in enumerate(WEEKDAY_NAMES)
    ]


def _pattern_bucket(label: str, rows: list[MoodRow]) -> PatternBucket:
    energies = [row.energy for row in rows if not row.energy_estimated]
    return PatternBucket(
        label,
        fmean(row.pleasantness for row in rows) if rows else None,
        fmean(energies) if energies else None,
        len(rows),
    )


TIMES_OF_DAY = [
    ("Night (midnight–6am)", 0),
    ("Morning (6am–noon)", 6),
    ("Afternoon (noon–6pm)", 12),
    ("Evening (6pm–midnight)", 18),
]


def local_hour(felt_at: dt.datetime, time_zone: str) -> int:
    """The hour on the clock where the check-in was made (its own zone)."""
    return felt_at.astimezone(_zone(time_zone)).hour


def time_of_day_pattern(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    rows: list[MoodRow] | None = None,
) -> list[PatternBucket]:
    """Mean mood per part of the day, by the local clock of each check-in
    (one query, none with `rows`). The hour is computed in Python because each
    check-in carries its own zone (and the embedded SQLite has no zone data).
    """
    grouped: dict[int, list[MoodRow]] = defaultdict(list)
    for row in _rows(user, start, end, rows):
        grouped[local_hour(row.felt_at, row.time_zone) // 6].append(row)
    return [
        _pattern_bucket(label, grouped.get(index, []))
        for index, (label, _) in enumerate(TIMES_OF_DAY)
    ]


# --- Words ------------------------------------------------------------------


@dataclass(frozen=True)
class WordCount:
    word: str
    quadrant: Quadrant
    count: int
    word_id: int


def word_frequencies(
    user: User, start: dt.date | None, end: dt.date | None, limit: int = 12
) -> list[WordCount]:
    """The user's most-picked emotion words (one query)."""
    through = CheckIn.words.through.objects.filter(
        checkin__user=user, checkin__deleted_at__isnull=True
    )
    if start is not None:
        through = through.filter(checkin__local_date__gte=start)
    if end is not None:
        through = through.filter(checkin__local_date__lte=end)
    rows = (
        through.values(
            "emotionword_id",
            "emotionword__word",
            "emotionword__pleasantness",
            "emotionword__energy",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "emotionword__word")[:limit]
    )
    return [
        WordCount(
            row["emotionword__word"],
            quadrant_of(row["emotionword__pleasantness"], row["emotionword__energy"]),
            row["n"],
            row["emotionword_id"],
        )
        for row in rows
    ]


# --- Tag impact --------------------------------------------------------------


@dataclass(frozen=True)
class TagImpact:
    tag_id: int
    name: str
    with_days: int
    without_days: int
    with_mean: float | None  # None below the minimum sample
    without_mean: float | None
    with_energy: float | None
    without_energy: float | None

    @property
    def enough(self) -> bool:
        return self.with_mean is not None and self.without_mean is not None

    @property
    def difference(self) -> float:
        if self.with_mean is None or self.without_mean is None:
            return 0.0
        return self.with_mean - self.without_mean


@dataclass
class TagImpactReport:
    shown: list[TagImpact]
    too_few: list[TagImpact]  # tags used, but on too few (or too many) days to compare
    total_days: int
    min_days: int = MIN_TAG_DAYS


def _mean_energy(days: list[DayMood]) -> float | None:
    known = [d.energy for d in days if d.energy_count]
    return fmean(known) if known else None


def tag_impact(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    days: list[DayMood] | None = None,
    min_days: int = MIN_TAG_DAYS,
) -> TagImpactReport:
    """Mean day mood on days with each tag vs days without it (two queries).

    A day's mood is the mean of its check-ins; only days with a check-in
    count. A tag is compared only with at least `min_days` days on each side.
    """
    if days is None:
        days = daily_moods(user, start, end)
    mood_by_day = {d.date: d for d in days}
    through = CheckIn.tags.through.objects.filter(
        checkin__user=user, checkin__deleted_at__isnull=True
    )
    if start is not None:
        through = through.filter(checkin__local_date__gte=start)
    if end is not None:
        through = through.filter(checkin__local_date__lte=end)
    tag_days: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for tag_id, name, day in through.values_list(
        "tag_id", "tag__name", "checkin__local_date"
    ).distinct():
        tag_days[(tag_id, name)].add(day)
    shown: list[TagImpact] = []
    too_few: list[TagImpact] = []
    for (tag_id, name), with_set in sorted(tag_days.items(), key=lambda item: item[0][1].lower()):
        with_moods = [mood_by_day[d] for d in with_set if d in mood_by_day]
        without_moods = [m for d, m in mood_by_day.items() if d not in with_set]
        enough = len(with_moods) >= min_days and len(without_moods) >= min_days
        impact = TagImpact(
            tag_id=tag_id,
            name=name,
            with_days=len(with_moods),
            without_days=len(without_moods),
            with_mean=fmean(m.pleasantness for m in with_moods) if enough else None,
            without_mean=fmean(m.pleasantness for m in without_moods) if enough else None,
            with_energy=_mean_energy(with_moods) if enough else None,
            without_energy=_mean_energy(without_moods) if enough else None,
        )
        (shown if enough else too_few).append(impact)
    shown.sort(key=lambda i: (-i.difference, i.name.lower()))
    return TagImpactReport(shown, too_few, len(mood_by_day), min_days)


# --- Music and mood ---------------------------------------------------------


@dataclass(frozen=True)
class NamedCount:
    id: int
    name: str
    count: int
    artist: str = ""


@dataclass
class MusicByQuadrant:
    tracks: dict[Quadrant, list[NamedCount]]
    artists: dict[Quadrant, list[NamedCount]]
    links: int


def _links(user: User, start: dt.date | None, end: dt.date | None) -> QuerySet[CheckInTrack]:
    links = CheckInTrack.objects.filter(checkin__user=user, checkin__deleted_at__isnull=True)
    if start is not None:
        links = links.filter(checkin__local_date__gte=start)
    if end is not None:
        links = links.filter(checkin__local_date__lte=end)
    return links


class SongLink(NamedTuple):
    """A song attached to a check-in, with that check-in's mood."""

    checkin_id: int
    track_id: int
    title: str
    artist_id: int
    artist: str
    pleasantness: int
    energy: int


def song_links(user: User, start: dt.date | None, end: dt.date | None) -> list[SongLink]:
    """Every song attached to a check-in from `start` to `end` (one query);
    pass as `links=` to the music figures so they share it."""
    return [
        SongLink(*row)
        for row in _links(user, start, end)
        .order_by()
        .values_list(
            "checkin_id",
            "track_id",
            "track__title",
            "track__artist_id",
            "track__artist__name",
            "checkin__pleasantness",
            "checkin__energy",
        )
    ]


def music_by_quadrant(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    limit: int = 5,
    links: list[SongLink] | None = None,
) -> MusicByQuadrant:
    """Songs and artists attached to check-ins, grouped by the quadrant of the
    check-in they were attached to (one query, none with `links`)."""
    tracks: dict[Quadrant, dict[int, NamedCount]] = defaultdict(dict)
    artists: dict[Quadrant, dict[int, NamedCount]] = defaultdict(dict)
    if links is None:
        links = song_links(user, start, end)
    for link in links:
        quadrant = quadrant_of(link.pleasantness, link.energy)
        old = tracks[quadrant].get(link.track_id)
        tracks[quadrant][link.track_id] = NamedCount(
            link.track_id, link.title, 1 + (old.count if old else 0), link.artist
        )
        old = artists[quadrant].get(link.artist_id)
        artists[quadrant][link.artist_id] = NamedCount(
            link.artist_id, link.artist, 1 + (old.count if old else 0)
        )

    def top(counts: dict[int, NamedCount]) -> list[NamedCount]:
        return sorted(counts.values(), key=lambda c: (-c.count, c.name.lower()))[:limit]

    return MusicByQuadrant(
        {q: top(tracks[q]) for q in QUADRANT_ORDER if tracks.get(q)},
        {q: top(artists[q]) for q in QUADRANT_ORDER if artists.get(q)},
        len(links),
    )


@dataclass(frozen=True)
class Lift:
    track_id: int
    title: str
    artist: str
    followed: int  # check-ins with this song that had a next check-in within the window
    better: int  # ... where that next check-in was more pleasant

    @property
    def share(self) -> float:
        return self.better / self.followed if self.followed else 0.0


def songs_that_lift(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    min_samples: int = MIN_LIFT_SAMPLES,
    limit: int = 8,
    rows: list[MoodRow] | None = None,
    links: list[SongLink] | None = None,
) -> list[Lift]:
    """Songs attached to check-ins whose next check-in (within a day) was more
    pleasant, more often than not, with at least `min_samples` such check-ins
    (two queries, fewer with `rows` and `links`)."""
    sequence = _rows(user, start, end, rows)
    following: dict[int, bool] = {}
    for before, after in pairwise(sequence):
        if after.felt_at - before.felt_at <= LIFT_WINDOW:
            following[before.id] = after.pleasantness > before.pleasantness
    counts: dict[int, list[int]] = {}
    names: dict[int, tuple[str, str]] = {}
    for link in song_links(user, start, end) if links is None else links:
        if link.checkin_id not in following:
            continue
        entry = counts.setdefault(link.track_id, [0, 0])
        entry[0] += 1
        entry[1] += following[link.checkin_id]
        names[link.track_id] = (link.title, link.artist)
    lifts = [
        Lift(track_id, names[track_id][0], names[track_id][1], followed, better)
        for track_id, (followed, better) in counts.items()
        if followed >= min_samples and better * 2 > followed
    ]
    lifts.sort(key=lambda lift: (-lift.share, -lift.followed, lift.title.lower()))
    return lifts[:limit]


@dataclass(frozen=True)
class ListeningBucket:
    label: str
    days: int
    mean: float | None  # mean day pleasantness, None below the minimum sample


LISTEN_BUCKETS = [
    ("No listening", 0, 0),
    ("Under 30 minutes", 1, 30),
    ("30 minutes to 2 hours", 30, 120),
    ("Over 2 hours", 120, None),
]


def listening_bucket(minutes: float) -> int:
    """Index into LISTEN_BUCKETS."""
    if minutes <= 0:
        return 0
    if minutes < 30:
        return 1
    return 2 if minutes < 120 else 3


def listening_minutes(
    user: User, start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo | None = None
) -> dict[dt.date, float]:
    """Minutes listened per local day (one query). A play without a recorded
    duration counts the track's length, if known."""
    zone = zone or user.zone
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    track_length = Track.objects.filter(pk=OuterRef("track_id")).order_by().values("duration_ms")
    rows = (
        Listen.objects.filter(user=user, played_at__gte=since, played_at__lt=until)
        .annotate(day=TruncDate("played_at", tzinfo=zone))
        .values("day")
        # The track's length only where a play has no duration: a correlated
        # lookup by primary key that COALESCE evaluates for those rows alone,
        # instead of joining every play to the whole catalogue.
        .annotate(ms=Sum(Coalesce("ms_played", Subquery(track_length), Value(0))))
        .order_by("day")
    )
    return {row["day"]: (row["ms"] or 0) / 60000 for row in rows}


def listening_vs_mood(
    user: User,
    start: dt.date,
    end: dt.date,
    days: list[DayMood] | None = None,
    min_days: int = MIN_LISTEN_DAYS,
) -> list[ListeningBucket]:
    """Mean day mood grouped by how much was listened that day (one query
    beside the daily moods). Only days with a check-in count."""
    if days is None:
        days = daily_moods(user, start, end)
    minutes = listening_minutes(user, start, end)
    grouped: dict[int, list[float]] = defaultdict(list)
    for day in days:
        grouped[listening_bucket(minutes.get(day.date, 0.0))].append(day.pleasantness)
    return [
        ListeningBucket(
            label,
            len(grouped[index]),
            fmean(grouped[index]) if len(grouped[index]) >= min_days else None,
        )
        for index, (label, _, _) in enumerate(LISTEN_BUCKETS)
    ]


# --- On this day --------------------------------------------------------------


@dataclass
class YearAgo:
    date: dt.date
    years_ago: int
    checkins: list[CheckIn] = field(default_factory=list)
    listens: int = 0
    top_tracks: list[NamedCount] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "A year ago" if self.years_ago == 1 else f"{self.years_ago} years ago"


ON_THIS_DAY_YEARS = 15


def earlier_same_days(date: dt.date, years: int = ON_THIS_DAY_YEARS) -> list[dt.date]:
    """The same month and day in earlier years (29 February only in leap years)."""
    found = []
    for back in range(1, years + 1):
        try:
            found.append(date.replace(year=date.year - back))
        except ValueError:
            continue
    return found


def on_this_day(user: User, date: dt.date) -> list[YearAgo]:
    """Check-ins and listening on this month/day in earlier years, newest first.

    Two queries whatever is found: the check-ins (with their words, tags and
    songs) and one grouped listen query. Empty when there is nothing to show.
    """
    from journal.timeline import details, note_excerpt, with_details

    dates = earlier_same_days(date)
    if not dates:
        return []
    by_date: dict[dt.date, YearAgo] = {}
    checkins = with_details(
        CheckIn.objects.owned_by(user).filter(local_date__in=dates).order_by("felt_at", "id")
    )
    for checkin in checkins:
        entry = by_date.setdefault(
            checkin.local_date,
            YearAgo(checkin.local_date, date.year - checkin.local_date.year),
        )
        checkin.excerpt = note_excerpt(checkin, 100)  # type: ignore[attr-defined]
        checkin.details = details(checkin)  # type: ignore[attr-defined]
        entry.checkins.append(checkin)
    zone = user.zone
    window = Q()
    for day in dates:
        window |= Q(
            played_at__gte=dt.datetime.combine(day, dt.time(), tzinfo=zone),
            played_at__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone),
        )
    rows = (
        Listen.objects.filter(window, user=user)
        .annotate(day=TruncDate("played_at", tzinfo=zone))
        .values("day", "track_id", "track__title", "track__artist__name")
        .annotate(n=Count("id"))
        .order_by("day", "-n", "track__title")
    )
    for row in rows:
        day = row["day"]
        entry = by_date.setdefault(day, YearAgo(day, date.year - day.year))
        entry.listens += row["n"]
        if len(entry.top_tracks) < 3:
            entry.top_tracks.append(
                NamedCount(
                    row["track_id"], row["track__title"], row["n"], row["track__artist__name"]
                )
            )
    return sorted(by_date.values(), key=lambda entry: entry.years_ago)
