"""The timeline's plain SQL statement (journal/timeline_rows.py) against the
ORM filters it replaced: the same rows for every filter, on any mood."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from journal.timeline import QUADRANT_FILTERS, Filters
from journal.timeline_rows import page_rows
from mood.values import Quadrant
from tests.journal.history_data import checkin, tag, track, word

pytestmark = pytest.mark.django_db

EVERYTHING = 1000


def ids(user: User, filters: Filters) -> list[int]:
    return [c.pk for c, _ in page_rows(user, filters, limit=EVERYTHING)]


def orm_ids(checkins: object) -> list[int]:
    return list(checkins.order_by("-felt_at", "-id").values_list("pk", flat=True))  # type: ignore[attr-defined]


def test_each_mood_filter_matches_its_orm_filter_on_all_81_moods(alice: User, bob: User) -> None:
    for p in range(-4, 5):
        for e in range(-4, 5):
            checkin(alice, f"2026-03-{(p + 5):02d} {(e + 12):02d}:00", p, e)
    checkin(bob, "2026-03-01 09:00", 2, -2)  # another user's calm moment
    assert len(ids(alice, Filters())) == 81
    for quadrant in Quadrant:
        expected = orm_ids(CheckIn.objects.owned_by(alice).filter(QUADRANT_FILTERS[quadrant]))
        assert ids(alice, Filters(quadrant=quadrant)) == expected, quadrant
        assert expected


def test_the_link_date_and_note_filters_match_the_orm(alice: User, bob: User) -> None:
    calm = word(None, "unruffled", 2, -2)  # not a shipped word (those are migrated in)
    walk, song = tag(alice, "walk"), track(alice, "Nina Simone", "Feeling Good")
    other = track(alice, "Nina Simone", "Other song")
    first = checkin(alice, "2026-03-01 09:00", 1, 1, words=[calm], tags=[walk], tracks=[song])
    second = checkin(alice, "2026-03-02 09:00", 1, 1, tracks=[other], note="river lighthouse")
    third = checkin(alice, "2026-03-03 09:00", 1, 1, words=[calm], note="river")
    checkin(bob, "2026-03-02 10:00", 1, 1, words=[calm], tracks=[song], note="river")
    artist = song.artist
    assert ids(alice, Filters(word=calm)) == [third.pk, first.pk]
    assert ids(alice, Filters(tag=walk)) == [first.pk]
    assert ids(alice, Filters(track=song)) == [first.pk]
    assert ids(alice, Filters(artist=artist)) == orm_ids(
        CheckIn.objects.owned_by(alice).filter(
            pk__in=CheckInTrack.objects.filter(track__artist=artist).values("checkin_id")
        )
    )
    assert ids(alice, Filters(artist=artist)) == [second.pk, first.pk]
    assert ids(alice, Filters(query="river")) == [third.pk, second.pk]
    assert ids(alice, Filters(query="river light")) == [second.pk]
    assert ids(alice, Filters(query="!!!")) == []
    day = dt.date(2026, 3, 2)
    assert ids(alice, Filters(date_from=day)) == [third.pk, second.pk]
    assert ids(alice, Filters(date_to=day)) == [second.pk, first.pk]
    assert ids(alice, Filters(date_from=day, date_to=day, word=calm)) == []
    assert ids(alice, Filters(invalid=True)) == []


def test_details_come_back_sorted_as_the_timeline_shows_them(alice: User) -> None:
    words = [word(alice, name, 1, 1) for name in ("Zesty", "amused", "Brave")]
    late, early = tag(alice, "zebra"), tag(alice, "apple")
    item = checkin(alice, "2026-03-01 09:00", 1, 1, words=words, tags=[late, early])
    [(row, found)] = page_rows(alice, Filters())
    assert row.pk == item.pk
    assert [w["name"] for w in found.words] == ["amused", "Brave", "Zesty"]
    positions = [t["position"] for t in found.tags]
    assert positions == sorted(positions)
