"""The printable summary's figures: mood over time, quadrant mix, words and
tags, low stretches, and notes only when asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from journal import summary
from journal.summary import Stretch
from mood.values import Quadrant
from tests.journal.history_data import checkin, tag, word

pytestmark = pytest.mark.django_db
START, END = dt.date(2025, 3, 1), dt.date(2025, 3, 31)


def d(day: int) -> dt.date:
    return dt.date(2025, 3, day)


def test_it_finds_low_stretches_allowing_a_missing_day() -> None:
    means = {d(1): 1.0, d(2): -2.0, d(3): -3.0, d(5): -2.0, d(6): 0.0, d(7): -4.0, d(8): -2.0}
    assert summary.low_stretches(means) == [Stretch(d(2), d(5), 3, -7 / 3)]
    # Two missing days break a stretch.
    assert summary.low_stretches({d(1): -2.0, d(2): -2.0, d(5): -2.0}) == []


def test_it_sums_up_a_period(alice: User, bob: User) -> None:
    tired = word(alice, "worn thin", -2, -3)
    work = tag(alice, "work")
    checkin(alice, "2025-03-03 09:00", 2, 2, tags=[work])
    checkin(alice, "2025-03-03 18:00", 0, 2)
    checkin(alice, "2025-03-10 09:00", -2, -2, words=[tired], note="Couldn't get up.\nStayed in.")
    checkin(alice, "2025-03-11 09:00", -3, -3, words=[tired], tags=[work])
    checkin(alice, "2025-03-12 09:00", -2, -1, note="A bit better by evening.")
    checkin(alice, "2025-03-20 09:00", 3, -2, note="Not a low day: stays private.")
    checkin(alice, "2025-04-02 09:00", -4, -4)  # outside the period
    checkin(bob, "2025-03-10 09:00", 4, 4)
    with CaptureQueriesContext(connection) as queries:
        plain = summary.summary(alice, START, END, "March 2025")
    assert len(queries) == 3
    assert (plain.checkins, plain.days, plain.scale) == (6, 5, "week")
    assert [(b.start, b.pleasantness, b.days) for b in plain.over_time] == [
        (d(3), 1.0, 1),
        (d(10), -7 / 3, 3),
        (d(17), 3.0, 1),
    ]
    assert plain.quadrant_days[Quadrant.YELLOW] == 1 and plain.quadrant_days[Quadrant.BLUE] == 3
    assert plain.quadrant_share[0] == (Quadrant.YELLOW, 1, 20)
    assert plain.words == [("worn thin", 2)] and plain.tags == [("work", 2)]
    assert plain.low_stretches == [Stretch(d(10), d(12), 3, -7 / 3)]
    assert plain.notes == [] and not plain.with_notes
    with CaptureQueriesContext(connection) as queries:
        noted = summary.summary(alice, START, END, "March 2025", with_notes=True)
    assert len(queries) == 4
    assert [n.text for n in noted.notes] == [
        "Couldn't get up.\nStayed in.",
        "A bit better by evening.",
    ]


def test_an_empty_period_says_so(alice: User) -> None:
    empty = summary.summary(alice, START, END, "March 2025", with_notes=True)
    assert (empty.checkins, empty.days, empty.pleasantness, empty.over_time) == (0, 0, None, [])
    assert empty.quadrant_share == []
