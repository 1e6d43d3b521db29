"""The queries behind the insight figures: every database read is here, each
a fixed number of queries whatever the amount of data."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import User
from journal.insights.results import (
    QUADRANT_ORDER,
    MoodRow,
    NamedCount,
    SongLink,
    WordCount,
    YearAgo,
)
from journal.listening import Heard, heard
from journal.models import CheckIn, CheckInTrack
from journal.timeline import note_excerpt
from journal.timeline_rows import QUADRANT_SQL, rows_on_days
from mood.values import Quadrant, quadrant_of
from music.models import Artist, Listen, Track


def live_checkins(
    user: User, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[CheckIn]:
    checkins = CheckIn.objects.owned_by(user)
    if start is not None:
        checkins = checkins.filter(local_date__gte=start)
    if end is not None:
        checkins = checkins.filter(local_date__lte=end)
    return checkins


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


class DayTotals(NamedTuple):
    """One local day's check-ins summed in the database: what `_mood_buckets`
    in figures.py keeps per bucket, for the calendar's year of days."""

    local_date: dt.date
    checkins: int
    pleasantness: int
    min_pleasantness: int
    max_pleasantness: int
    energy_count: int  # recorded energies (an import's guesses left out)
    energy: int | None
    min_energy: int | None
    max_energy: int | None
    guessed_energy: int | None


def mood_rows_between(
    user: User, start: dt.date | None, end: dt.date | None, rows: list[MoodRow] | None
) -> list[MoodRow]:
    """The check-ins from `start` to `end`: those of `rows` when given, else
    loaded (one query)."""
    return mood_rows(user, start, end) if rows is None else _within(rows, start, end)


# From a year's first check-in straight to the next year's (a skip scan down
# the (user, local_date) index: a step per year, not a row per check-in,
# and no `.dates()` truncation, which SQLite runs as a Python function on
# every row). The next year's first day in each database's own words.
_NEXT_YEAR = {
    "postgresql": "make_date(CAST(EXTRACT(YEAR FROM y.d) AS integer) + 1, 1, 1)",
    "sqlite": "date(y.d, 'start of year', '+1 year')",
}
_LIVE = f"FROM {CheckIn._meta.db_table} WHERE user_id = %s AND deleted_at IS NULL"

# Fixed text: the ORM built and compiled this aggregate on every calendar,
# then ran a converter per column of every day's row (most of its time).
_DAY_TOTALS = (
    "SELECT local_date, COUNT(*), SUM(pleasantness), MIN(pleasantness), MAX(pleasantness), "
    "COUNT(*) FILTER (WHERE NOT energy_estimated), "
    "SUM(energy) FILTER (WHERE NOT energy_estimated), "
    "MIN(energy) FILTER (WHERE NOT energy_estimated), "
    "MAX(energy) FILTER (WHERE NOT energy_estimated), "
    "SUM(energy) FILTER (WHERE energy_estimated) "
    f"{_LIVE} AND local_date >= %s AND local_date <= %s GROUP BY local_date ORDER BY local_date"
)


def day_totals(user: User, start: dt.date, end: dt.date) -> list[DayTotals]:
    """The user's check-ins from `start` to `end` grouped by local day in SQL,
    oldest first (one query): a row per day instead of a row per check-in."""
    with connection.cursor() as cursor:
        cursor.execute(_DAY_TOTALS, [user.pk, start, end])
        found = cursor.fetchall()
    # A date on both (SQLite's driver converts a plain date column); ISO
    # text only from a SQLite connection made without declared types.
    return [
        DayTotals(dt.date.fromisoformat(day) if isinstance(day, str) else day, *rest)
        for day, *rest in found
    ]


def checkin_years(user: User) -> set[int]:
    """The years that have check-ins (one query)."""
    sql = (
        f"WITH RECURSIVE y(d) AS (SELECT MIN(local_date) {_LIVE} UNION ALL "  # noqa: S608
        f"SELECT (SELECT MIN(local_date) {_LIVE} AND local_date >= "
        f"{_NEXT_YEAR[connection.vendor]}) FROM y WHERE y.d IS NOT NULL) "
        "SELECT d FROM y WHERE d IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        # A date on PostgreSQL, its ISO text on SQLite: the year leads both.
        return {int(str(day)[:4]) for (day,) in cursor.fetchall()}


def tag_days(
    user: User, start: dt.date | None, end: dt.date | None
) -> dict[tuple[int, str], set[dt.date]]:
    """The local days on which each (tag id, name) was used (one query)."""
    through = CheckIn.tags.through.objects.filter(
        checkin__user=user, checkin__deleted_at__isnull=True
    )
    if start is not None:
        through = through.filter(checkin__local_date__gte=start)
    if end is not None:
        through = through.filter(checkin__local_date__lte=end)
    found: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for tag_id, name, day in through.values_list(
        "tag_id", "tag__name", "checkin__local_date"
    ).distinct():
        found[(tag_id, name)].add(day)
    return found


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


def _links(user: User, start: dt.date | None, end: dt.date | None) -> QuerySet[CheckInTrack]:
    links = CheckInTrack.objects.filter(checkin__user=user, checkin__deleted_at__isnull=True)
    if start is not None:
        links = links.filter(checkin__local_date__gte=start)
    if end is not None:
        links = links.filter(checkin__local_date__lte=end)
    return links


# A song on a check-in, as SongLink reads it (also the year in review's links).
SONG_LINK_COLUMNS = (
    "checkin_id",
    "track_id",
    "track__title",
    "track__artist_id",
    "track__artist__name",
    "checkin__pleasantness",
    "checkin__energy",
)


def song_links(user: User, start: dt.date | None, end: dt.date | None) -> list[SongLink]:
    """Every song attached to a check-in from `start` to `end` (one query);
    pass as `links=` to the music figures so they share it."""
    return [
        SongLink(*row)
        for row in _links(user, start, end).order_by().values_list(*SONG_LINK_COLUMNS)
    ]


def heard_links(user: User, start: dt.date | None, end: dt.date | None) -> list[Heard]:
    """Songs heard in the half hour before each check-in from `start` to `end`,
    other than those attached to it (one query); pass as `heard=` to the music
    figures so they share it."""
    return heard(user, start, end)


def listening_minutes(
    user: User, start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo | None = None
) -> dict[dt.date, float]:
    """Minutes listened per local day (one query). A play without a recorded
    duration counts the track's length, if known."""
    zone = zone or user.zone
    # Each local midnight from `start` to the day after `end`, as instants.
    edges = [
        dt.datetime.combine(start + dt.timedelta(days=i), dt.time(), tzinfo=zone)
        for i in range((end - start).days + 2)
    ]
    if connection.vendor == "postgresql":
        return _listening_minutes_by_edges(user, start, edges)
    track_length = Track.objects.filter(pk=OuterRef("track_id")).order_by().values("duration_ms")
    rows = (
        Listen.objects.filter(user=user, played_at__gte=edges[0], played_at__lt=edges[-1])
        .annotate(day=TruncDate("played_at", tzinfo=zone))
        .values("day")
        # The track's length only where a play has no duration: a correlated
        # lookup by primary key that COALESCE evaluates for those rows alone,
        # instead of joining every play to the whole catalogue.
        .annotate(ms=Sum(Coalesce("ms_played", Subquery(track_length), Value(0))))
        .order_by("day")
    )
    return {row["day"]: (row["ms"] or 0) / 60000 for row in rows}


# Each play's local day found by a binary search of the day's midnights
# (width_bucket over an array of instants) instead of converting every play's
# time to the zone's clock and sorting by it: a year is ~7,000 plays.
_MINUTES_BY_EDGES = (
    "SELECT width_bucket(played_at, %s::timestamptz[]), SUM(COALESCE(ms_played, "  # noqa: S608
    f"(SELECT duration_ms FROM {Track._meta.db_table} t WHERE t.id = track_id), 0)) "
    f"FROM {Listen._meta.db_table} WHERE user_id = %s AND played_at >= %s AND played_at < %s "
    "GROUP BY 1"
)


def _listening_minutes_by_edges(
    user: User, start: dt.date, edges: list[dt.datetime]
) -> dict[dt.date, float]:
    with connection.cursor() as cursor:
        cursor.execute(_MINUTES_BY_EDGES, [edges, user.pk, edges[0], edges[-1]])
        found = sorted(cursor.fetchall())
    # Bucket i holds the plays from the (i-1)th midnight to the ith.
    return {start + dt.timedelta(days=i - 1): (ms or 0) / 60000 for i, ms in found}


# Each quadrant's newest check-in read backwards down the (user, felt_at)
# index until one matches, instead of an aggregate over every check-in; one
# plain statement, fixed text (the ORM built and compiled five subqueries
# on every page).
_LAST_FELT = " UNION ALL ".join(
    f"SELECT * FROM (SELECT c.id, c.felt_at, '{q.value}' AS last_quadrant "  # noqa: S608
    f"FROM {CheckIn._meta.db_table} c WHERE c.user_id = %s AND c.deleted_at IS NULL AND "
    f"{QUADRANT_SQL[q.value]} ORDER BY c.felt_at DESC LIMIT 1) AS {q.value}"
    for q in QUADRANT_ORDER
)


def last_felt(user: User) -> list[tuple[Quadrant, dt.datetime | None]]:
    """When each quadrant was last felt ("when did I last feel calm?"): one
    query whatever the history's length."""
    found = CheckIn.objects.raw(_LAST_FELT, [user.pk] * len(QUADRANT_ORDER))
    latest: dict[str, dt.datetime] = {
        row.last_quadrant: row.felt_at  # type: ignore[attr-defined]
        for row in found
    }
    return [(q, latest.get(q.value)) for q in QUADRANT_ORDER]


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
    dates = earlier_same_days(date)
    if not dates:
        return []
    by_date: dict[dt.date, YearAgo] = {}
    for checkin, found in rows_on_days(user, dates):
        entry = by_date.setdefault(
            checkin.local_date,
            YearAgo(checkin.local_date, date.year - checkin.local_date.year),
        )
        checkin.excerpt = note_excerpt(checkin, 100)  # type: ignore[attr-defined]
        checkin.details = found  # type: ignore[attr-defined]
        entry.checkins.append(checkin)
    zone = user.zone
    # Each play labelled with its day's index in `dates` by a CASE over the
    # day windows (plain comparisons, where truncating every play's time to
    # a local date is a Python function per row on SQLite), the user inside
    # every window so each is a range read of the (user, played_at) index,
    # grouped before the few songs are joined; fixed text but for the
    # number of days.
    adapt = connection.ops.adapt_datetimefield_value
    windows = [
        (
            adapt(dt.datetime.combine(day, dt.time(), tzinfo=zone)),
            adapt(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)),
        )
        for day in dates
    ]
    cases = " ".join(
        f"WHEN played_at >= %s AND played_at < %s THEN {i}" for i in range(len(windows))
    )
    ranges = " OR ".join(["(user_id = %s AND played_at >= %s AND played_at < %s)"] * len(windows))
    sql = (
        f"SELECT d.day, d.track_id, t.title, a.name, d.n FROM (SELECT CASE {cases} END AS day, "  # noqa: S608
        f"track_id, COUNT(*) AS n FROM {Listen._meta.db_table} WHERE {ranges} GROUP BY 1, 2) d "
        f"JOIN {Track._meta.db_table} t ON t.id = d.track_id "
        f"JOIN {Artist._meta.db_table} a ON a.id = t.artist_id ORDER BY d.day, d.n DESC, t.title"
    )
    params: list[Any] = [edge for window in windows for edge in window]
    params += [value for window in windows for value in (user.pk, *window)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [
            {"day": day, "track_id": track, "title": title, "artist": artist, "n": n}
            for day, track, title, artist, n in cursor.fetchall()
        ]
    for row in rows:
        day = dates[row["day"]]
        entry = by_date.setdefault(day, YearAgo(day, date.year - day.year))
        entry.listens += row["n"]
        if len(entry.top_tracks) < 3:
            entry.top_tracks.append(
                NamedCount(row["track_id"], row["title"], row["n"], row["artist"])
            )
    return sorted(by_date.values(), key=lambda entry: entry.years_ago)
