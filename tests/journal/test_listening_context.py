"""A check-in's listening context (journal/listening.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from accounts.models import User
from journal.listening import heard, heard_by_checkin, listening_now
from journal.models import CheckInTrack
from music.models import Listen, PlayingNow, Track
from tests.factories import make_checkin, make_track

NOON = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def play(user: User, track: Track, minutes_before: float, **extra: Any) -> Listen:
    return Listen.objects.create(
        user=user,
        track=track,
        played_at=NOON - dt.timedelta(minutes=minutes_before),
        source="api",
        **extra,
    )


def test_it_finds_songs_heard_in_the_half_hour_before(alice: User, bob: User) -> None:
    checkin = make_checkin(alice, when=NOON, pleasantness=3, energy=1, with_extras=False)
    teardrop, angel, early, later, skipped = (make_track(alice) for _ in range(5))
    attached = make_track(alice)
    CheckInTrack.objects.create(checkin=checkin, track=attached)
    play(alice, teardrop, 5, ms_played=180_000)
    play(alice, teardrop, 20, ms_played=60_000)  # twice: one song, both plays' minutes
    play(alice, angel, 29)
    play(alice, early, 31)  # outside the window
    play(alice, later, -2)  # after the check-in
    play(alice, skipped, 3, skipped=True)
    play(alice, attached, 4)  # attached: counts as attached, not as heard
    play(bob, make_track(bob, angel.artist.name, angel.title), 1)  # someone else's
    rows = heard(alice)
    assert {row.track_id for row in rows} == {teardrop.pk, angel.pk}
    by_track = {row.track_id: row for row in rows}
    assert by_track[teardrop.pk].ms == 240_000
    assert by_track[teardrop.pk].pleasantness == 3
    assert [row.track_id for row in rows] == [angel.pk, teardrop.pk]  # in the order heard


def test_it_is_one_query_for_a_page_of_checkins(
    alice: User, django_assert_num_queries: object
) -> None:
    checkins = [
        make_checkin(alice, when=NOON + dt.timedelta(hours=h), with_extras=False) for h in range(5)
    ]
    song = make_track(alice)
    for h in range(5):
        Listen.objects.create(
            user=alice,
            track=song,
            played_at=NOON + dt.timedelta(hours=h, minutes=-10),
            source="api",
        )
    with django_assert_num_queries(1):  # type: ignore[operator]
        grouped = heard_by_checkin(alice, [c.pk for c in checkins])
    assert sorted(grouped) == sorted(c.pk for c in checkins)


def test_it_leaves_out_deleted_checkins_and_other_dates(alice: User) -> None:
    kept = make_checkin(alice, when=NOON, with_extras=False)
    gone = make_checkin(alice, when=NOON + dt.timedelta(days=1), with_extras=False)
    gone.deleted_at = NOON
    gone.save()
    song = make_track(alice)
    play(alice, song, 5)
    Listen.objects.create(
        user=alice, track=song, played_at=NOON + dt.timedelta(days=1, minutes=-5), source="api"
    )
    assert [row.checkin_id for row in heard(alice)] == [kept.pk]
    assert heard(alice, start=NOON.date() + dt.timedelta(days=1)) == []


def test_listening_now_prefers_what_is_playing(alice: User) -> None:
    recent, playing = make_track(alice), make_track(alice)
    with time_machine.travel(NOON, tick=False):
        assert listening_now(alice) is None
        play(alice, recent, 4)
        found = listening_now(alice)
        assert found is not None and found.track == recent and not found.playing
        PlayingNow.objects.create(
            user=alice,
            track=playing,
            started_at=NOON,
            expires_at=NOON + dt.timedelta(minutes=3),
        )
        found = listening_now(alice)
        assert found is not None and found.track == playing and found.playing
        assert listening_now(alice, attached=[playing.pk]) is None
    with time_machine.travel(NOON + dt.timedelta(minutes=7), tick=False):
        assert listening_now(alice) is None  # playing ran out; the listen is 11 minutes old
