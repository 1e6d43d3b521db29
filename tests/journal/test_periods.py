"""The period control's choices, default rule and URL parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from journal import periods
from journal.periods import History
from tests.journal.history_data import checkin

TODAY = dt.date(2026, 4, 15)


def history(recent_days: int = 30, years: tuple[int, ...] = (2023, 2024, 2026)) -> History:
    return History(TODAY, list(years), dt.date(min(years), 2, 3) if years else None, recent_days)


def test_it_defaults_to_twelve_months_with_enough_recent_days() -> None:
    choice = periods.choose({}, history(recent_days=14))
    assert choice.error == ""
    assert choice.period.key == "12m"
    assert (choice.period.start, choice.period.end) == (dt.date(2025, 4, 16), TODAY)
    assert choice.period.scale == "month"


def test_it_defaults_to_all_time_when_the_last_year_is_thin() -> None:
    period = periods.choose({}, history(recent_days=13)).period
    assert period.key == "all" and period.label == "All time"
    assert (period.start, period.end) == (dt.date(2023, 2, 3), TODAY)


def test_it_offers_each_year_with_data_between_twelve_months_and_all_time() -> None:
    keys = [p.key for p in periods.choices(history())]
    assert keys == ["30d", "90d", "12m", "2026", "2024", "2023", "all"]


def test_it_reads_each_choice_from_the_url() -> None:
    h = history()
    thirty = periods.choose({"period": "30d"}, h).period
    assert (thirty.start, thirty.end, thirty.scale) == (dt.date(2026, 3, 17), TODAY, "day")
    ninety = periods.choose({"period": "90d"}, h).period
    assert ninety.days == 90 and ninety.scale == "week"
    year = periods.choose({"period": "2023"}, h).period
    assert (year.start, year.end, year.label, year.is_year) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        "2023",
        True,
    )
    this_year = periods.choose({"period": "2026"}, h).period
    assert this_year.end == TODAY  # not into the future
    assert year.query == {"period": "2023"}


def test_it_reads_a_custom_range_in_either_order_and_caps_it_at_today() -> None:
    params = {"period": "custom", "from": "2026-06-01", "to": "2024-03-05"}
    choice = periods.choose(params, history())
    assert choice.error == ""
    period = choice.period
    assert (period.start, period.end) == (dt.date(2024, 3, 5), TODAY)
    assert period.label == "5 Mar 2024 – 15 Apr 2026"
    assert period.query == {"period": "custom", "from": "2024-03-05", "to": "2026-04-15"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "from": "2024-02-30", "to": "2024-03-01"}, "Please give both dates"),
        ({"period": "custom", "from": "2024-01-01"}, "Please give both dates"),
        ({"period": "custom", "from": "2027-01-01", "to": "2027-02-01"}, "starts after today"),
        ({"period": "1999"}, "You have no check-ins in 1999"),
        ({"period": "forever\x00"}, "isn't one we know. Showing the last 12 months."),
    ],
)
def test_it_falls_back_to_the_default_with_a_clear_message(
    params: dict[str, str], message: str
) -> None:
    choice = periods.choose(params, history())
    assert choice.period.key == "12m"
    assert message in choice.error


@pytest.mark.django_db
def test_it_loads_years_first_day_and_recent_days_in_two_queries(
    alice: User, bob: User, django_assert_num_queries: object
) -> None:
    checkin(alice, "2023-05-02 09:00", 1, 1)
    checkin(alice, "2023-05-02 19:00", 2, 1)
    checkin(alice, "2026-04-01 09:00", 1, 1)
    checkin(alice, "2026-04-01 21:00", 1, 1)
    checkin(alice, "2026-04-03 09:00", 1, 1)
    checkin(bob, "2021-01-01 09:00", 1, 1)
    with django_assert_num_queries(2):  # type: ignore[operator]
        found = periods.history_of(alice, TODAY)
    assert found == History(TODAY, [2023, 2026], dt.date(2023, 5, 2), 2)
