"""How the insight pages word and label figures: the signs of means, and the
names of weekdays, parts of the day and listening amounts."""

from __future__ import annotations


def signed(value: float) -> str:
    """+1.2 / −0.3 / 0.0: how the page writes a mean."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"−{abs(rounded):.1f}"


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

TIMES_OF_DAY = [
    ("Night (midnight–6am)", 0),
    ("Morning (6am–noon)", 6),
    ("Afternoon (noon–6pm)", 12),
    ("Evening (6pm–midnight)", 18),
]

LISTEN_BUCKETS = [
    ("No listening", 0, 0),
    ("Under 30 minutes", 1, 30),
    ("30 minutes to 2 hours", 30, 120),
    ("Over 2 hours", 120, None),
]
