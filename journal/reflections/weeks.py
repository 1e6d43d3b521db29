"""Weeks as the reflection sees them: local Monday to Sunday."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the week that holds `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_bounds_utc(
    week_start: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local Monday–Sunday week begins and ends. In a
    DST week this is 167 or 169 hours: seven local days, whatever the clock did."""
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    return start, end.astimezone(dt.UTC)
