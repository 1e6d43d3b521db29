"""A check-in's history shows the songs heard in the half hour before it as
*heard around then*, apart from the songs attached to it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from journal.models import CheckInTrack
from music.models import Listen
from tests.factories import make_checkin, make_track

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)
FELT = dt.datetime(2026, 4, 14, 18, 0, tzinfo=dt.UTC)


def heard_line(html: str) -> str:
    start = html.find('<p class="heard')
    return html[start : html.find("</p>", start)] if start >= 0 else ""


@time_machine.travel(NOW, tick=False)
def test_it_shows_songs_heard_around_then_apart_from_attached_ones(
    alice: User, bob: User, alice_client: Client, django_assert_num_queries: object
) -> None:
    checkin = make_checkin(alice, when=FELT, with_extras=False)
    attached = make_track(alice, "Nina Simone", "Feeling Good")
    CheckInTrack.objects.create(checkin=checkin, track=attached)
    teardrop = make_track(alice, "Massive Attack", "Teardrop")
    roads = make_track(alice, "Portishead", "Roads")
    old = make_track(alice, "Old", "Too Early")
    for track, minutes in ((teardrop, 25), (roads, 10), (teardrop, 5), (attached, 3), (old, 45)):
        Listen.objects.create(
            user=alice, track=track, played_at=FELT - dt.timedelta(minutes=minutes), source="api"
        )
    Listen.objects.create(
        user=bob, track=make_track(bob, "Bob", "Private"), played_at=FELT, source="api"
    )
    with django_assert_num_queries(3):  # type: ignore[operator]
        html = alice_client.get("/history/", headers={"HX-Request": "true"}).content.decode()
    line = heard_line(html)
    assert "Heard around then" in line
    assert line.index("Teardrop") < line.index("Roads")  # in the order first heard
    assert line.count("Teardrop") == 1
    assert "Feeling Good" not in line and "Too Early" not in line and "Private" not in line
    assert "Feeling Good" in html  # shown where it belongs: the attached songs
    assert f'href="/music/tracks/{teardrop.pk}/"' in line


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [1, 25])
def test_the_timeline_stays_one_query_with_listens(
    alice: User, alice_client: Client, django_assert_num_queries: object, count: int
) -> None:
    song = make_track(alice)
    for n in range(count):
        when = FELT - dt.timedelta(hours=n)
        make_checkin(alice, when=when, with_extras=False)
        Listen.objects.create(
            user=alice, track=song, played_at=when - dt.timedelta(minutes=7), source="api"
        )
    with django_assert_num_queries(3):  # type: ignore[operator]
        html = alice_client.get("/history/", headers={"HX-Request": "true"}).content.decode()
    assert html.count('<p class="heard') == min(count, 20)


@time_machine.travel(NOW, tick=False)
def test_nothing_heard_says_nothing(alice: User, alice_client: Client) -> None:
    make_checkin(alice, when=FELT, with_extras=False)
    assert "Heard around then" not in alice_client.get("/history/").content.decode()
