"""The year in review's figures, checked on a small hand-made year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from journal import year_review
from journal.year_review import Streak
from mood.values import Quadrant
from tests.journal.history_data import bulk_checkins, checkin, listen, tag, track, word

pytestmark = pytest.mark.django_db


def test_it_gathers_a_year_month_by_month(alice: User, bob: User) -> None:
    calm = word(None, "settled", 2, -2)
    walk = tag(alice, "walk")
    song = track(alice, "Nils Frahm", "Says")
    other = track(alice, "Robyn", "Dancing On My Own")
    # March: two bright days; one check-in with a song followed by a better one.
    checkin(alice, "2025-03-01 09:00", -1, 2, tracks=[song])
    checkin(alice, "2025-03-01 18:00", 3, 2, words=[calm], tags=[walk])
    checkin(alice, "2025-03-02 09:00", 2, 3, tags=[walk], note="Short.")
    long_note = "A long day.\nWe walked by the river and talked for hours about everything."
    checkin(alice, "2025-07-10 21:00", -3, -2, tracks=[other], note=long_note)
    checkin(alice, "2024-12-31 21:00", 4, 4)  # another year
    checkin(bob, "2025-03-05 09:00", -4, -4, words=[calm])
    for day in ("2025-05-01", "2025-05-02", "2025-05-03", "2025-05-10", "2025-05-11"):
        listen(alice, song, f"{day} 12:00", 3)
    review = year_review.year_review(alice, 2025)
    assert (review.checkins, review.days, review.years) == (4, 3, [2024, 2025])
    march = review.months[2]
    assert (march.days, march.checkins, march.pleasantness) == (2, 3, 4 / 3)
    assert march.quadrant_days[Quadrant.YELLOW] == 2 and march.main_quadrant is Quadrant.YELLOW
    assert review.months[0].pleasantness is None and review.months[0].main_quadrant is None
    assert review.months[6].main_quadrant is Quadrant.BLUE
    assert review.quadrant_days[Quadrant.YELLOW] == 2 and review.quadrant_days[Quadrant.BLUE] == 1
    assert review.best_month == march
    assert [(n.name, n.count) for n in review.words] == [("settled", 1)]
    assert [(n.name, n.count) for n in review.tags] == [("walk", 2)]
    assert review.songs[Quadrant.RED][0].name == "Says"
    assert review.artists[Quadrant.BLUE][0].name == "Robyn"
    assert review.streaks == [
        Streak(dt.date(2025, 5, 1), dt.date(2025, 5, 3)),
        Streak(dt.date(2025, 5, 10), dt.date(2025, 5, 11)),
    ]
    assert review.longest is not None
    assert review.longest.local_date == dt.date(2025, 7, 10)
    assert review.longest.words == 14
    assert review.longest.excerpt.startswith("A long day.\nWe walked")


def test_it_finds_songs_that_lifted_you(alice: User) -> None:
    song = track(alice, "Bill Withers", "Lovely Day")
    for day in range(1, 5):
        checkin(alice, f"2025-02-0{day} 09:00", -1, 1, tracks=[song])
        checkin(alice, f"2025-02-0{day} 20:00", 2 if day != 4 else -2, 1)
    [lift] = year_review.year_review(alice, 2025).lifts
    assert (lift.title, lift.artist, lift.followed, lift.better) == (
        "Lovely Day",
        "Bill Withers",
        4,
        3,
    )


def test_an_empty_year_is_empty(alice: User) -> None:
    review = year_review.year_review(alice, 2019)
    assert review.empty and review.longest is None and len(review.months) == 12


def test_it_runs_the_same_queries_for_a_few_or_many_checkins(alice: User, bob: User) -> None:
    words = [word(None, f"w{i}", 1, 1) for i in range(3)]
    tags = [tag(alice, f"t{i}") for i in range(3)]
    songs = [track(alice, "A", f"s{i}") for i in range(3)]
    bulk_checkins(alice, 6, start=dt.date(2025, 1, 1), words=words, tags=tags, tracks=songs)
    with CaptureQueriesContext(connection) as few:
        year_review.year_review(alice, 2025)
    bulk_checkins(
        bob, 900, start=dt.date(2025, 1, 1), words=words, tags=[tag(bob, "x")], tracks=songs
    )
    with CaptureQueriesContext(connection) as many:
        year_review.year_review(bob, 2025)
    assert len(few) == len(many) == 7


def test_it_offers_last_year_in_january_only() -> None:
    assert year_review.offered_review_year(dt.date(2026, 1, 12), [2024, 2025]) == 2025
    assert year_review.offered_review_year(dt.date(2026, 2, 1), [2025]) is None
    assert year_review.offered_review_year(dt.date(2026, 1, 12), [2024]) is None
