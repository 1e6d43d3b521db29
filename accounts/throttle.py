"""Counting things that must be limited: password-reset emails per address and
per IP, sign-up notices per address.

A limit is a row per key (accounts.Throttle): one atomic upsert counts a hit
and says whether it is still within the limit. The window starts at a key's
first hit and lasts `period`, so 40 posts in two seconds count as 40 in one
window wherever the clock is (no fixed-window edge letting through twice the
limit). It lives in the database, like the listening API's rate limit
(music/listening/tokens.py): the same on PostgreSQL and the embedded SQLite,
shared by every process, and a Redis outage neither opens nor breaks it.
docs/accounts-hardening.md says why not Django's cache.

Keys are HMACs of what they count (keyed with SECRET_KEY), so the table never
holds an email address or an IP in the clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from accounts.models import Throttle

HOUR = dt.timedelta(hours=1)


def key_for(scope: str, value: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}\0{value}".encode(), hashlib.sha256
    ).hexdigest()
    return digest


def hit(scope: str, value: str, limit: int, period: dt.timedelta = HOUR) -> bool:
    """Count one hit on (scope, value); True while the hits in its window are
    within `limit`."""
    now = timezone.now()
    since = now - period
    table = Throttle._meta.db_table
    connection = connections[router.db_for_write(Throttle)]
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ("key", started_at, count) VALUES (%s, %s, 1)
            ON CONFLICT ("key") DO UPDATE SET
                count = CASE WHEN {table}.started_at > %s THEN {table}.count + 1 ELSE 1 END,
                started_at = CASE WHEN {table}.started_at > %s
                                  THEN {table}.started_at ELSE excluded.started_at END
            RETURNING count
            """,  # noqa: S608 - the table name is ours, values are parameters
            [
                key_for(scope, value),
                ops.adapt_datetimefield_value(now),
                ops.adapt_datetimefield_value(since),
                ops.adapt_datetimefield_value(since),
            ],
        )
        row = cursor.fetchone()
    return bool(row) and int(row[0]) <= limit


def forget_old(period: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Drop counters whose window ended long ago (the sweeper, on beat)."""
    deleted, _ = Throttle.objects.filter(started_at__lt=timezone.now() - period).delete()
    return deleted
