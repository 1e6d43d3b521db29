"""Which stretch of a person's past the insights look at.

The choice lives in the URL (`?period=12m`, `?period=2023`,
`?period=custom&from=2023-03-01&to=2023-06-30`), so a view is bookmarkable.
Choices: the last 30 days, 90 days, 12 months, each calendar year that has a
check-in, all time, and a custom range. With no (or a bad) choice, the
default is the last 12 months when they hold at least `DEFAULT_MIN_DAYS` days
with a check-in, otherwise all time — so someone who imported an old journal
sees it, not an empty year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear

from journal.models import CheckIn

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_MIN_DAYS = 14
RELATIVE = {"30d": ("Last 30 days", 30), "90d": ("Last 90 days", 90)}
TWELVE_MONTHS = "12m"
ALL_TIME = "all"
CUSTOM = "custom"
EARLIEST = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Period:
    key: str  # the value of ?period=
    label: str
    start: dt.date
    end: dt.date
    custom_from: dt.date | None = None
    custom_to: dt.date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def query(self) -> dict[str, str]:
        """The URL parameters that choose this period."""
        if self.key == CUSTOM:
            return {"period": CUSTOM, "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.key}

    @property
    def scale(self) -> str:
        """The natural bucket of the mood-over-time chart: day, week or month."""
        if self.days <= 45:
            return "day"
        return "week" if self.days <= 200 else "month"

    @property
    def is_year(self) -> bool:
        return self.key.isdigit()

    @property
    def span(self) -> str:
        """How a sentence names it: "Across the last 90 days", "… 2023"."""
        if self.key == ALL_TIME:
            return "all your check-ins"
        if self.key == CUSTOM or self.is_year:
            return self.label
        return "the " + self.label.lower()

    @property
    def scales(self) -> list[str]:
        """The buckets the mood-over-time chart may use for this length."""
        allowed = ["month"]
        if self.days <= 3 * 366:
            allowed.insert(0, "week")
        if self.days <= 92:
            allowed.insert(0, "day")
        return allowed


@dataclass(frozen=True)
class History:
    """What the choices depend on (`history_of` loads it in two queries)."""

    today: dt.date
    years: list[int]  # years with a check-in, oldest first
    first_day: dt.date | None
    recent_days: int  # days with a check-in in the last 12 months


@dataclass(frozen=True)
class Choice:
    period: Period
    error: str = ""  # why the asked-for period could not be used


def twelve_months_start(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(today.year - 1, 3, 1)


def history_of(user: User, today: dt.date) -> History:
    checkins = CheckIn.objects.owned_by(user)
    figures = checkins.aggregate(
        first=Min("local_date"),
        recent=Count(
            "local_date",
            distinct=True,
            filter=Q(local_date__gte=twelve_months_start(today), local_date__lte=today),
        ),
    )
    years = sorted(
        checkins.order_by()
        .annotate(year=ExtractYear("local_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return History(today, years, figures["first"], figures["recent"] or 0)


def twelve_months(history: History) -> Period:
    return Period(
        TWELVE_MONTHS, "Last 12 months", twelve_months_start(history.today), history.today
    )


def all_time(history: History) -> Period:
    start = min(history.first_day or history.today, history.today)
    return Period(ALL_TIME, "All time", start, history.today)


def year(value: int, history: History) -> Period:
    end = min(dt.date(value, 12, 31), max(history.today, dt.date(value, 1, 1)))
    return Period(str(value), str(value), dt.date(value, 1, 1), end)


def default(history: History) -> Period:
    if history.recent_days >= DEFAULT_MIN_DAYS:
        return twelve_months(history)
    return all_time(history)


def choices(history: History) -> list[Period]:
    """Every period the control offers, in the order it shows them."""
    today = history.today
    found = [
        Period(key, label, today - dt.timedelta(days=length - 1), today)
        for key, (label, length) in RELATIVE.items()
    ]
    found.append(twelve_months(history))
    found += [year(value, history) for value in reversed(history.years)]
    found.append(all_time(history))
    return found


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def choose(params: Mapping[str, str], history: History) -> Choice:
    """The period `params` ask for, or the default with a message saying why."""
    key = (params.get("period") or "").strip()
    if not key:
        return Choice(default(history))
    for period in choices(history):
        if period.key == key:
            return Choice(period)
    if key.isdigit() and len(key) == 4:
        return Choice(
            default(history),
            f"You have no check-ins in {key}, so this shows {default_text(history)}.",
        )
    if key != CUSTOM:
        return Choice(
            default(history), f"That period isn't one we know. Showing {default_text(history)}."
        )
    return _custom(params, history)


def default_text(history: History) -> str:
    if default(history).key == ALL_TIME:
        return "all your check-ins"
    return "the last 12 months"


def _custom(params: Mapping[str, str], history: History) -> Choice:
    raw_from, raw_to = params.get("from") or "", params.get("to") or ""
    start, end = _date(raw_from), _date(raw_to)
    fallback = default(history)
    if start is None or end is None:
        return Choice(
            fallback,
            "Please give both dates of the range as year-month-day (2024-03-01); "
            f"meanwhile this shows {default_text(history)}.",
        )
    if start > end:
        start, end = end, start
    if start > history.today:
        return Choice(
            fallback,
            f"That range starts after today; this shows {default_text(history)} instead.",
        )
    start = max(start, EARLIEST)
    end = min(end, history.today)
    label = f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    return Choice(Period(CUSTOM, label, start, end, start, end))
