"""Listening-API tokens: one per user, with the user's API name, and the
per-token rate limit.

Authentication and rate counting are one conditional UPDATE on the token row
(fixed windows of ``ATTUNE_LISTEN_RATE_WINDOW`` seconds), so it works the same
on PostgreSQL and the embedded SQLite, across every web process, and needs no
Redis: a request costs one indexed statement before any other work.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from music.models import ListenToken

_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Rate:
    limit: int
    remaining: int
    reset_in: int
    reset_at: int

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* headers ListenBrainz clients read."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.remaining)),
            "X-RateLimit-Reset-In": str(self.reset_in),
            "X-RateLimit-Reset": str(self.reset_at),
        }


@dataclass(frozen=True)
class Caller:
    user_id: int
    user_name: str
    rate: Rate


def new_key() -> str:
    return str(uuid.uuid4())


def _base_name(user: User) -> str:
    base = _NAME_CHARS.sub("-", user.email.split("@", 1)[0]).strip("-.")
    return (base or "listener")[:48]


def token_for(user: User) -> ListenToken:
    """The user's token, made on first use with a name no one else has."""
    found = ListenToken.objects.filter(user=user).first()
    if found:
        return found
    base = _base_name(user)
    for attempt in range(1, 50):
        name = base if attempt == 1 else f"{base}-{attempt}"
        try:
            with transaction.atomic():
                return ListenToken.objects.create(user=user, user_name=name, key=new_key())
        except IntegrityError:
            found = ListenToken.objects.filter(user=user).first()
            if found:  # made by a request at the same moment
                return found
    with transaction.atomic():
        return ListenToken.objects.create(user=user, user_name=f"{base}-{user.pk}", key=new_key())


def replace_key(user: User) -> ListenToken:
    """A new key; the old one stops working at once."""
    token = token_for(user)
    token.key = new_key()
    token.save(update_fields=["key"])
    return token


def authenticate(key: str) -> Caller | None:
    """The token's owner, with this request counted against its rate limit;
    None for an unknown key."""
    key = key.strip()
    if not key or len(key) > 36:
        return None
    limit = settings.ATTUNE_LISTEN_RATE_LIMIT
    window_seconds = settings.ATTUNE_LISTEN_RATE_WINDOW
    now = time.time()
    window = int(now // window_seconds)
    table = ListenToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table}
            SET rate_count = CASE WHEN rate_window = %s THEN rate_count + 1 ELSE 1 END,
                rate_window = %s
            WHERE key = %s
            RETURNING user_id, user_name, rate_count
            """,  # noqa: S608 - the table name is ours, values are parameters
            [window, window, key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    reset_at = (window + 1) * window_seconds
    rate = Rate(
        limit=limit,
        remaining=limit - row[2],
        reset_in=max(1, int(reset_at - now)),
        reset_at=reset_at,
    )
    return Caller(user_id=row[0], user_name=row[1], rate=rate)
