"""The correlations section's data: tags, words, songs, listening and day
attributes loaded from the database and compared, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from journal import correlation_data, day_attributes
from journal.correlations import Lag
from journal.models import DayAttribute
from tests.journal.history_data import checkin, listen, tag, track, word

pytestmark = pytest.mark.django_db
START = dt.date(2025, 1, 1)


def fill(user: User, days: int, seed: int) -> None:
    rng = random.Random(seed)
    ran, coin = tag(user, "ran"), tag(user, "coin flip")
    calm = word(user, "steady", 1, -1)
    song = track(user, "Khruangbin", f"Maria También {seed}")
    ran_days = set()
    for i in range(days):
        day = START + dt.timedelta(days=i)
        if rng.random() < 0.35:
            ran_days.add(day)
    for i in range(days):
        day = START + dt.timedelta(days=i)
        mood = rng.choice([-2, -1, 0, 1])
        if day - dt.timedelta(days=1) in ran_days:
            mood += 3  # the day after a run is brighter
        tags = [t for t, on in ((ran, day in ran_days), (coin, rng.random() < 0.5)) if on]
        checkin(
            user,
            f"{day} 20:00",
            max(-4, min(4, mood)),
            1,
            tags=tags,
            words=[calm] if i % 2 else [],
            tracks=[song] if i % 3 == 0 else [],
        )
        hours = Decimal("8.5") if mood >= 1 else Decimal("6")
        day_attributes.set_day(user, day, {DayAttribute.Kind.SLEEP: hours})
        if i % 4 == 0:
            listen(user, song, f"{day} 12:00", 30)


def test_it_finds_the_next_day_tag_and_sleep_and_not_the_coin(alice: User) -> None:
    fill(alice, 120, seed=2)
    end = START + dt.timedelta(days=119)
    found = correlation_data.correlations(alice, START, end)
    by = {(f.kind, f.name, f.lag): f for f in found.report.findings}
    assert by[("tag", "ran", Lag.NEXT_DAY)].claimed
    assert by[("tag", "ran", Lag.NEXT_DAY)].difference > 2
    assert not by[("tag", "coin flip", Lag.SAME_DAY)].claimed
    assert not by[("tag", "coin flip", Lag.NEXT_DAY)].claimed
    sleep = by[("attribute", "hours slept", Lag.SAME_DAY)]
    assert sleep.claimed and sleep.with_label == "days you slept more than 7.25 hours"
    assert ("word", "steady", Lag.SAME_DAY) in by
    assert ("song", "Maria También 2", Lag.SAME_DAY) in by
    assert ("artist", "Khruangbin", Lag.SAME_DAY) in by
    assert ("listening", "listening", Lag.SAME_DAY) in by


def test_it_runs_six_queries_whatever_the_size(alice: User, bob: User) -> None:
    fill(alice, 12, seed=3)
    fill(bob, 90, seed=4)
    end = START + dt.timedelta(days=120)
    with CaptureQueriesContext(connection) as few:
        correlation_data.correlations(alice, START, end)
    with CaptureQueriesContext(connection) as many:
        correlation_data.correlations(bob, START, end)
    assert len(few) == len(many) == 6
