"""When a reminder is due: pure functions of a person's settings and the clock.

* A time is due at that wall-clock time in the person's zone; "some time
  between 18:00 and 21:00" is due at a moment drawn from a hash of (user, date,
  slot), so every dispatcher run computes the same moment and it differs day
  to day.
* A reminder is never sent in quiet hours, and not for a part of the day that
  already has a check-in (morning, afternoon, evening, night).
* After listening: a session is listens with gaps under SESSION_GAP; one of at
  least SESSION_MINUTES that ended between NUDGE_AFTER and NUDGE_WITHIN ago
  earns one gentle nudge a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Sequence

SESSION_GAP = dt.timedelta(minutes=10)
SESSION_MINUTES = 20
NUDGE_AFTER = dt.timedelta(minutes=5)
NUDGE_WITHIN = dt.timedelta(minutes=45)
DEFAULT_PLAY = dt.timedelta(minutes=3, seconds=30)  # a listen whose length is unknown


def due_moment(
    user_id: int,
    slot: str,
    day: dt.date,
    at: dt.time,
    until: dt.time | None,
    zone: zoneinfo.ZoneInfo,
) -> dt.datetime:
    """The UTC moment a slot fires on `day` (a time skipped by DST lands after the gap)."""
    start = dt.datetime.combine(day, at, tzinfo=zone)
    if until is not None:
        end = dt.datetime.combine(day, until, tzinfo=zone)
        if end <= start:
            end += dt.timedelta(days=1)  # "between 22:00 and 01:00"
        span = int((end - start).total_seconds() // 60)
        seed = hashlib.sha256(f"{user_id}:{slot}:{day.isoformat()}".encode()).digest()
        start += dt.timedelta(minutes=int.from_bytes(seed[:4], "big") % max(span, 1))
    return start.astimezone(dt.UTC)


def part_of_day(local: dt.time) -> str:
    if 5 <= local.hour < 12:
        return "morning"
    if 12 <= local.hour < 17:
        return "afternoon"
    if 17 <= local.hour < 22:
        return "evening"
    return "night"


def session_end(
    plays: Sequence[tuple[dt.datetime, int | None]], now: dt.datetime
) -> dt.datetime | None:
    """The end of the latest listening session of SESSION_MINUTES or more, given
    plays as (start, ms played or None), newest first; None if there is none."""
    if not plays:
        return None
    ordered = sorted(plays, key=lambda play: play[0])
    end = None
    start = None
    latest = None
    for played_at, ms in ordered:
        stop = played_at + (dt.timedelta(milliseconds=ms) if ms else DEFAULT_PLAY)
        if end is None or played_at - end > SESSION_GAP:
            start = played_at
        end = max(end or stop, stop)
        if start is not None and end - start >= dt.timedelta(minutes=SESSION_MINUTES):
            latest = end
    if latest is None or latest != end:
        return None  # the long session is not the latest one
    return latest if latest <= now else None


def nudge_due(session_ended: dt.datetime | None, now: dt.datetime) -> bool:
    return session_ended is not None and NUDGE_AFTER <= now - session_ended <= NUDGE_WITHIN
