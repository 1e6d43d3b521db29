"""A check-in's listening context: what the person was listening to around it.

- **Heard around then**: the listens in ``CONTEXT_WINDOW`` (30 minutes) before
  a check-in (up to the check-in itself), distinct songs, other than the ones
  the person attached. Shown on a check-in's history, and counted in the
  music ↔ mood insights, the weekly reflection's music and a track's feel —
  always *below* attached songs (``CONTEXT_WEIGHT``) and marked as such.
- **Listening now**: what a player reported as playing (``PlayingNow``, until
  it runs out) or a listen that started in the last ``RECENT_WINDOW``
  (10 minutes), offered on the check-in page with one tap.

Every function is one query whatever the number of check-ins: the window join
runs in the database (``Listen`` is indexed on user and time).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Value
from django.utils import timezone

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from music.models import Listen, PlayingNow, Track

CONTEXT_WINDOW = dt.timedelta(minutes=30)
# How much a song heard around a check-in counts beside one the person attached.
CONTEXT_WEIGHT = 0.5
RECENT_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Heard:
    """A song heard before a check-in, with that check-in's mood."""

    checkin_id: int
    track_id: int
    title: str
    artist_id: int
    artist: str
    pleasantness: int
    energy: int
    ms: int  # how long it played (the track's length when the play has none)


def _window_sql() -> str:
    """The join condition of a listen in the window before its check-in."""
    if connection.vendor == "postgresql":
        return "l.played_at > c.felt_at - %s::interval AND l.played_at <= c.felt_at"
    # SQLite keeps datetimes as ISO text; datetime() gives the same shape.
    return "l.played_at > datetime(c.felt_at, %s) AND l.played_at <= c.felt_at"


def _window_param() -> dt.timedelta | str:
    if connection.vendor == "postgresql":
        return CONTEXT_WINDOW
    return f"-{int(CONTEXT_WINDOW.total_seconds())} seconds"


def _instant(moment: dt.datetime) -> Any:
    """A datetime as the database compares it in raw SQL (text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


# A LIMIT/OFFSET keeps a subquery from being merged into the outer query.
_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}


def heard(
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    checkin_ids: Iterable[int] | None = None,
) -> list[Heard]:
    """Songs heard before each live check-in of `user` (local dates `start`
    to `end`, or the given check-ins), one row per check-in and song, leaving
    out songs attached to that check-in. One query."""
    return [row for _user_id, row in heard_by_users([user.pk], start, end, checkin_ids)]


def heard_by_users(
    user_ids: Iterable[int],
    start: dt.date | None = None,
    end: dt.date | None = None,
    checkin_ids: Iterable[int] | None = None,
) -> list[tuple[int, Heard]]:
    """`heard` for several users at once (a batch of weekly reflections):
    (user id, row) pairs, one query for the whole batch."""
    users = list(user_ids)
    if not users:
        return []
    checkin = CheckIn._meta.db_table
    listen = Listen._meta.db_table
    track = Track._meta.db_table
    artist = Track._meta.get_field("artist").related_model._meta.db_table  # type: ignore[union-attr]
    link = CheckInTrack._meta.db_table
    marks = ", ".join(["%s"] * len(users))
    where = [f"c.user_id IN ({marks})", "c.deleted_at IS NULL"]
    params: list[Any] = [*users]
    # The listens are bounded by the same people and, when the dates are
    # known, by the instants those local dates can cover (any zone, plus the
    # window), so they are read from the (user, played_at) index: unbounded,
    # PostgreSQL read every listen of everyone to hash-join them (0.1 s for a
    # batch of 200 weekly reflections among 100,000 people).
    listen_where = [f"l.user_id IN ({marks})"]
    listen_params: list[Any] = [*users]
    if start is not None:
        where.append("c.local_date >= %s")
        params.append(start)
        listen_where.append("l.played_at > %s")
        earliest = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
        listen_params.append(_instant(earliest - CONTEXT_WINDOW))
    if end is not None:
        where.append("c.local_date <= %s")
        params.append(end)
        listen_where.append("l.played_at < %s")
        latest = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=2)
        listen_params.append(_instant(latest))
    if checkin_ids is not None:
        ids = list(checkin_ids)
        if not ids:
            return []
        where.append(f"c.id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    # The check-ins are read in a subquery the planner keeps apart (a fence):
    # PostgreSQL cannot estimate the half-hour window join (it guesses
    # thousands of listens per check-in where there are a handful), so
    # flattened it walked every user's check-ins in id order to skip a
    # sort of that imagined result (8 ms for a year, 3 ms fenced).
    sql = f"""
        SELECT MIN(c.user_id), c.id, l.track_id, MIN(t.title), MIN(t.artist_id), MIN(a.name),
               MIN(c.pleasantness), MIN(c.energy),
               SUM(COALESCE(l.ms_played, t.duration_ms, 0))
        FROM (
            SELECT c.id, c.user_id, c.felt_at, c.pleasantness, c.energy FROM {checkin} c
            WHERE {" AND ".join(where)} {_FENCE[connection.vendor]}
        ) c
        JOIN {listen} l ON l.user_id = c.user_id AND {_window_sql()}
        JOIN {track} t ON t.id = l.track_id
        JOIN {artist} a ON a.id = t.artist_id
        WHERE NOT l.skipped AND {" AND ".join(listen_where)}
          AND NOT EXISTS (
            SELECT 1 FROM {link} k WHERE k.checkin_id = c.id AND k.track_id = l.track_id
          )
        GROUP BY c.id, l.track_id
        ORDER BY c.id, MIN(l.played_at)
    """  # noqa: S608 - table names are ours, values are parameters
    params.append(_window_param())  # the window comes after the check-ins' filter
    params.extend(listen_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], Heard(*row[1:])) for row in cursor.fetchall()]


def heard_by_checkin(user: User, checkin_ids: Iterable[int]) -> dict[int, list[Heard]]:
    """For a page of check-ins: the songs heard around each (one query)."""
    grouped: dict[int, list[Heard]] = defaultdict(list)
    for row in heard(user, checkin_ids=checkin_ids):
        grouped[row.checkin_id].append(row)
    return dict(grouped)


@dataclass(frozen=True)
class ListeningNow:
    track: Track
    playing: bool  # True: the player says it is playing; False: heard just now


def listening_now(user: User, attached: Iterable[int] = ()) -> ListeningNow | None:
    """What to offer on the check-in page: the song playing now, else the last
    one heard in the last ten minutes; None if that one is already attached.
    One query when there is nothing to offer, two when there is."""
    now = timezone.now()
    playing = (
        PlayingNow.objects.filter(user=user, expires_at__gt=now)
        .annotate(playing=Value(1), at=F("started_at"))
        .values_list("track_id", "playing", "at")
        .order_by()  # no model ordering inside the union: SQLite refuses it
    )
    recent = (
        Listen.objects.filter(user=user, played_at__gt=now - RECENT_WINDOW, played_at__lte=now)
        .annotate(playing=Value(0), at=F("played_at"))
        .values_list("track_id", "playing", "at")
        .order_by()
    )
    found = list(playing.union(recent, all=True).order_by("-playing", "-at")[:1])
    if not found or found[0][0] in set(attached):
        return None
    track_id, is_playing, _at = found[0]
    track = Track.objects.select_related("artist").get(pk=track_id)
    return ListeningNow(track, bool(is_playing))
