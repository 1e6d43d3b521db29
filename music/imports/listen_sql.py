"""The statements that write one batch of imported listens
(music/imports/listens.py): which of the batch's tracks get a library row, which
listens are there already, and the insert that adds the new ones to the play
statistics (docs/listen-import-throughput.md). Plain SQL on PostgreSQL, where
compiling the ORM's thousand-value IN lists cost more than running them; the
ORM on SQLite (the embedded default)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import connection

from music.models import Listen, UserTrack

ListenRow = tuple[int, dt.datetime, int | None, bool, dict[str, object] | None]


def array(items: Iterable[str]) -> str:
    """A PostgreSQL array literal of numbers, ISO times, t/f or NULL, sent as
    one text value that the statement casts: the server parses it in one go,
    where psycopg's array dumper spent a fifth of the insert's time going
    through the values one by one in Python."""
    return "{" + ",".join(items) + "}"


def existing_listens(
    user_id: int, track_ids: set[int], low: dt.datetime, high: dt.datetime
) -> list[tuple[int, dt.datetime, str]]:
    """(track, start, source) of the user's listens of these tracks that
    started between `low` and `high`."""
    if connection.vendor != "postgresql":
        return list(
            Listen.objects.filter(
                user_id=user_id, track_id__in=track_ids, played_at__range=(low, high)
            ).values_list("track_id", "played_at", "source")
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT track_id, played_at, source FROM {Listen._meta.db_table}
            WHERE user_id = %s AND track_id = ANY(%s::bigint[])
                AND played_at BETWEEN %s AND %s
            """,  # noqa: S608 - the table name is ours, values are parameters
            [user_id, array(map(str, track_ids)), low, high],
        )
        return cursor.fetchall()


def add_to_library(user_id: int, track_ids: set[int]) -> set[int]:
    """Give the user a UserTrack row for each track; returns the tracks whose
    rows are new (their statistics and feel are computed from scratch). On
    SQLite, every track: its listens are counted by a recount, not as they go in."""
    if not track_ids:
        return set()
    if connection.vendor != "postgresql":
        return track_ids
    # Columns with a Python-side default (and no database default) get it here.
    defaults = [
        field
        for field in UserTrack._meta.concrete_fields
        if field.has_default() and not field.primary_key
    ]
    columns = "".join(f", {field.column}" for field in defaults)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {UserTrack._meta.db_table} (user_id, track_id{columns})
            SELECT %s, t{", %s" * len(defaults)} FROM unnest(%s::bigint[]) AS u(t)
            ON CONFLICT (user_id, track_id) DO NOTHING
            RETURNING track_id
            """,  # noqa: S608 - table and column names are ours, values are parameters
            [
                user_id,
                *(field.get_db_prep_save(field.get_default(), connection) for field in defaults),
                array(map(str, sorted(track_ids))),
            ],
        )
        return {row[0] for row in cursor.fetchall()}


def insert_listens(user_id: int, source: str, rows: list[ListenRow]) -> int:
    """Insert listens, ignoring ones already there; returns how many went in.

    On PostgreSQL one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING
    (building a thousand model instances costs more than the database does),
    and the same statement adds the listens that went in to the user's play
    statistics on their UserTrack rows (add_to_library made them): a batch
    costs the same however long the user's history. Elsewhere (the embedded
    SQLite default) bulk_create with ignore_conflicts, counted by a recount.
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        # A batch's listens mostly carry the same details (the player, the
        # client): each distinct one is sent and parsed once, rows point at it.
        distinct: dict[str, int] = {}
        pointers = [
            distinct.setdefault(json.dumps(row[4]), len(distinct) + 1) if row[4] else None
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH added AS (
                    INSERT INTO {Listen._meta.db_table}
                        (user_id, track_id, played_at, ms_played, skipped, source, details)
                    SELECT %s, t, p, m, s, %s, (%s::jsonb[])[d]
                    FROM unnest(
                        %s::bigint[], %s::timestamptz[], %s::integer[], %s::boolean[], %s::int[]
                    ) AS u(t, p, m, s, d)
                    ON CONFLICT DO NOTHING
                    RETURNING track_id, played_at, ms_played, skipped
                ), counted AS (
                    UPDATE {UserTrack._meta.db_table} AS ut
                    SET play_count = ut.play_count + a.plays,
                        ms_played_total = ut.ms_played_total + a.ms,
                        last_played_at = GREATEST(ut.last_played_at, a.last)
                    FROM (
                        SELECT track_id,
                            count(*) FILTER (WHERE NOT skipped) AS plays,
                            COALESCE(sum(ms_played), 0) AS ms,
                            max(played_at) AS last
                        FROM added GROUP BY track_id
                    ) AS a
                    WHERE ut.user_id = %s AND ut.track_id = a.track_id
                )
                SELECT count(*) FROM added
                """,  # noqa: S608 - the table names are ours, values are parameters
                [
                    user_id,
                    source,
                    list(distinct),
                    array([str(row[0]) for row in rows]),
                    array([row[1].isoformat() for row in rows]),
                    array(["NULL" if row[2] is None else str(row[2]) for row in rows]),
                    array(["t" if row[3] else "f" for row in rows]),
                    array(["NULL" if at is None else str(at) for at in pointers]),
                    user_id,
                ],
            )
            (count,) = cursor.fetchone()
            return int(count)
    before = Listen.objects.filter(user_id=user_id).count()
    Listen.objects.bulk_create(
        [
            Listen(
                user_id=user_id,
                track_id=track_id,
                played_at=played_at,
                ms_played=ms,
                skipped=skipped,
                source=source,
                details=details or None,
            )
            for track_id, played_at, ms, skipped, details in rows
        ],
        ignore_conflicts=True,
    )
    return Listen.objects.filter(user_id=user_id).count() - before
