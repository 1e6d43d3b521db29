"""The insight figures, computed from the rows the queries load: grouping in
Python where the figure needs each check-in's own local clock, or where one
load serves several figures (pass `rows=`, `days=`, `links=` to share it).

Figures are descriptive only: the page words them as "on days you ... your
mood averaged ...", never as causes. "Mood" in a single figure means
pleasantness (−4 … +4); energy is reported beside it where it helps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from statistics import fmean
from typing import TYPE_CHECKING

from accounts.models import zone_or_utc
from journal.insights.music_figures import music_by_quadrant as music_by_quadrant
from journal.insights.queries import (
    DayTotals,
    checkin_years,
    day_totals,
    heard_links,
    listening_minutes,
    mood_rows_between,
    song_links,
    tag_days,
)
from journal.insights.results import (
    LIFT_WINDOW,
    MIN_LIFT_SAMPLES,
    MIN_LISTEN_DAYS,
    MIN_TAG_DAYS,
    QUADRANT_ORDER,
    CalendarMonth,
    CalendarYear,
    ContextBucket,
    DayMood,
    Lift,
    LiftBaseline,
    ListeningBucket,
    MoodRow,
    MoodSeries,
    PatternBucket,
    Period,
    SongLink,
    TagImpact,
    TagImpactReport,
)
from journal.insights.wording import (
    CONTEXT_BUCKETS,
    LISTEN_BUCKETS,
    TIMES_OF_DAY,
    WEEKDAY_NAMES,
)
from journal.listening import Heard
from mood.values import Quadrant

if TYPE_CHECKING:
    from accounts.models import User


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
    return _mood_buckets(mood_rows_between(user, start, end, rows), _same_day)


def _day_mood(t: DayTotals) -> DayMood:
    """A day grouped in SQL as `_mood_buckets` builds it in Python (a test
    holds the two equal)."""
    recorded = t.energy_count
    return DayMood(
        date=t.local_date,
        pleasantness=t.pleasantness / t.checkins,
        energy=(t.energy or 0) / recorded if recorded else 0.0,
        min_pleasantness=t.min_pleasantness,
        max_pleasantness=t.max_pleasantness,
        min_energy=(t.min_energy or 0) if recorded else 0,
        max_energy=(t.max_energy or 0) if recorded else 0,
        count=t.checkins,
        energy_count=recorded,
        estimated_energy=None if recorded else (t.guessed_energy or 0) / t.checkins,
    )


def calendar_year(user: User, year: int) -> CalendarYear:
    """Each day of `year` with its mean mood (two queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    by_day = {day.date: day for day in (_day_mood(t) for t in day_totals(user, start, end))}
    years = sorted(checkin_years(user) | {year})
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
    found = mood_rows_between(user, start, end, rows)
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


def mood_series(
    user: User, period: Period, start: dt.date, end: dt.date, rows: list[MoodRow] | None = None
) -> MoodSeries:
    """Mean and range per day, week or month from `start` to `end`, every
    bucket listed with or without data (one query, none with `rows`)."""
    bucket = bucket_of(period)
    buckets: list[dt.date] = []
    current = bucket(start)
    while current <= end:
        buckets.append(current)
        if period is Period.DAY:
            current += dt.timedelta(days=1)
        elif period is Period.WEEK:
            current += dt.timedelta(weeks=1)
        else:
            current = _add_months(current, 1)
    found = mood_rows_between(user, start, end, rows)
    moods = {m.date: m for m in _mood_buckets(found, bucket)}
    return MoodSeries(period, start, end, buckets, moods)


def weekday_pattern(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    rows: list[MoodRow] | None = None,
) -> list[PatternBucket]:
    """Mean mood per local weekday, Monday first (one query, none with `rows`)."""
    grouped: dict[int, list[MoodRow]] = defaultdict(list)
    for row in mood_rows_between(user, start, end, rows):
        grouped[row.local_date.weekday()].append(row)
    return [
        _pattern_bucket(name, grouped.get(index, [])) for index, name in enumerate(WEEKDAY_NAMES)
    ]


def _pattern_bucket(label: str, rows: list[MoodRow]) -> PatternBucket:
    energies = [row.energy for row in rows if not row.energy_estimated]
    return PatternBucket(
        label,
        fmean([row.pleasantness for row in rows]) if rows else None,
        fmean(energies) if energies else None,
        len(rows),
    )


def local_hour(felt_at: dt.datetime, time_zone: str) -> int:
    """The hour on the clock where the check-in was made (its own zone)."""
    return felt_at.astimezone(zone_or_utc(time_zone)).hour


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
    for row in mood_rows_between(user, start, end, rows):
        grouped[local_hour(row.felt_at, row.time_zone) // 6].append(row)
    return [
        _pattern_bucket(label, grouped.get(index, []))
        for index, (label, _) in enumerate(TIMES_OF_DAY)
    ]


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
    used = tag_days(user, start, end)
    shown: list[TagImpact] = []
    too_few: list[TagImpact] = []
    for (tag_id, name), with_set in sorted(used.items(), key=lambda item: item[0][1].lower()):
        with_moods = [mood_by_day[d] for d in with_set if d in mood_by_day]
        without_moods = [m for d, m in mood_by_day.items() if d not in with_set]
        enough = len(with_moods) >= min_days and len(without_moods) >= min_days
        # fmean of lists, not generators: the same sums, without statistics
        # counting a generator item by item (a year of days per tag).
        impact = TagImpact(
            tag_id=tag_id,
            name=name,
            with_days=len(with_moods),
            without_days=len(without_moods),
            with_mean=fmean([m.pleasantness for m in with_moods]) if enough else None,
            without_mean=fmean([m.pleasantness for m in without_moods]) if enough else None,
            with_energy=_mean_energy(with_moods) if enough else None,
            without_energy=_mean_energy(without_moods) if enough else None,
        )
        (shown if enough else too_few).append(impact)
    shown.sort(key=lambda i: (-i.difference, i.name.lower()))
    return TagImpactReport(shown, too_few, len(mood_by_day), min_days)


def _following(sequence: list[MoodRow]) -> dict[int, bool]:
    """Check-in id -> whether the next check-in (within the window) was more pleasant."""
    following: dict[int, bool] = {}
    for before, after in pairwise(sequence):
        if after.felt_at - before.felt_at <= LIFT_WINDOW:
            following[before.id] = after.pleasantness > before.pleasantness
    return following


def lift_baseline(
    user: User, start: dt.date | None, end: dt.date | None, rows: list[MoodRow] | None = None
) -> LiftBaseline:
    """How often *any* check-in was followed by a more pleasant one (one query,
    none with `rows`): the rate a song must beat to lift you."""
    following = _following(mood_rows_between(user, start, end, rows))
    return LiftBaseline(len(following), sum(following.values()))


def songs_that_lift(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    min_samples: int = MIN_LIFT_SAMPLES,
    limit: int = 8,
    rows: list[MoodRow] | None = None,
    links: list[SongLink] | None = None,
    heard: list[Heard] | None = None,
) -> list[Lift]:
    """Songs attached to (or heard around) check-ins whose next check-in,
    within a day, was more pleasant more often than after any check-in (the
    baseline), with at least `min_samples` such check-ins (three queries,
    none with `rows`, `links` and `heard`)."""
    following = _following(mood_rows_between(user, start, end, rows))
    baseline = LiftBaseline(len(following), sum(following.values()))
    if links is None:
        links = song_links(user, start, end)
    if heard is None:
        heard = heard_links(user, start, end)
    counts: dict[int, list[int]] = {}
    names: dict[int, tuple[str, str]] = {}
    seen: set[tuple[int, int]] = set()
    songs: list[tuple[SongLink | Heard, int]] = [(link, 0) for link in links]
    songs += [(song, 1) for song in heard]
    for song, around in songs:
        key = (song.checkin_id, song.track_id)
        if song.checkin_id not in following or key in seen:
            continue
        seen.add(key)
        entry = counts.setdefault(song.track_id, [0, 0, 0])
        entry[0] += 1
        entry[1] += following[song.checkin_id]
        entry[2] += around
        names[song.track_id] = (song.title, song.artist)
    lifts = [
        Lift(track_id, *names[track_id], followed, better, around, baseline)
        for track_id, (followed, better, around) in counts.items()
        if followed >= min_samples and better * baseline.followed > baseline.better * followed
    ]
    lifts.sort(key=lambda lift: (-lift.share, -lift.followed, lift.title.lower()))
    return lifts[:limit]


def listening_before_checkins(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    rows: list[MoodRow] | None = None,
    heard: list[Heard] | None = None,
    min_checkins: int = MIN_LISTEN_DAYS,
) -> list[ContextBucket]:
    """Check-ins grouped by the minutes of music heard in the half hour before
    them (songs attached to the check-in aside, as everywhere in the listening
    context), with their mean pleasantness (two queries, none with `rows` and
    `heard`)."""
    sequence = mood_rows_between(user, start, end, rows)
    if heard is None:
        heard = heard_links(user, start, end)
    minutes: dict[int, float] = defaultdict(float)
    for song in heard:
        minutes[song.checkin_id] += song.ms / 60000
    grouped: dict[int, list[int]] = defaultdict(list)
    for row in sequence:
        heard_minutes = minutes.get(row.id, 0.0)
        index = 0 if heard_minutes <= 0 else 1 if heard_minutes < 10 else 2
        grouped[index].append(row.pleasantness)
    return [
        ContextBucket(
            label,
            len(grouped[index]),
            fmean(grouped[index]) if len(grouped[index]) >= min_checkins else None,
        )
        for index, label in enumerate(CONTEXT_BUCKETS)
    ]


def listening_bucket(minutes: float) -> int:
    """Index into LISTEN_BUCKETS."""
    if minutes <= 0:
        return 0
    if minutes < 30:
        return 1
    return 2 if minutes < 120 else 3


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
