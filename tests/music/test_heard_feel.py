"""A song's feel from what was playing around check-ins (music/heard_feel.py):
below the person's rating and the check-ins they attached it to, above tags,
refreshed in the background for the people whose check-ins or listens changed."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from accounts.models import User
from journal.models import CheckInTrack
from music.feel import recompute_feel
from music.heard_feel import refresh_changed
from music.models import FeelSource, HeardFeelMark, Listen, Track, UserTrack
from tests.factories import make_checkin, make_track

NOON = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def heard_before(user: User, track: Track, at: dt.datetime, minutes: int = 10) -> Listen:
    return Listen.objects.create(
        user=user, track=track, played_at=at - dt.timedelta(minutes=minutes), source="api"
    )


def entry(user: User, track: Track) -> UserTrack:
    return UserTrack.objects.get(user=user, track=track)


def test_a_song_heard_before_check_ins_takes_their_mean_mood(alice: User, bob: User) -> None:
    song = make_track(alice)
    for hour, (p, e) in enumerate([(3, 2), (1, 0)]):
        at = NOON + dt.timedelta(hours=hour)
        make_checkin(alice, when=at, pleasantness=p, energy=e, with_extras=False)
        heard_before(alice, song, at)
    heard_before(bob, make_track(bob), NOON)  # bob listened, with no check-in after

    assert refresh_changed() == 2
    mine = entry(alice, song)
    assert (mine.heard_pleasantness, mine.heard_energy, mine.heard_count) == (2.0, 1.0, 2)
    assert mine.feel_source == FeelSource.HEARD
    assert (mine.feel_pleasantness, mine.feel_energy) == (2.0, 1.0)
    assert UserTrack.objects.filter(user=bob, heard_count__gt=0).count() == 0


def test_attached_check_ins_and_a_rating_come_first(alice: User) -> None:
    song = make_track(alice)
    heard_at = NOON
    make_checkin(alice, when=heard_at, pleasantness=-3, energy=-3, with_extras=False)
    heard_before(alice, song, heard_at)
    refresh_changed()
    assert entry(alice, song).feel_source == FeelSource.HEARD

    attached = make_checkin(
        alice, when=NOON + dt.timedelta(hours=3), pleasantness=4, energy=2, with_extras=False
    )
    CheckInTrack.objects.create(checkin=attached, track=song)
    recompute_feel(alice, [song.pk])
    mine = entry(alice, song)
    assert (mine.feel_source, mine.feel_pleasantness, mine.feel_energy) == (
        FeelSource.CHECKINS,
        4.0,
        2.0,
    )
    UserTrack.objects.filter(pk=mine.pk).update(rating_pleasantness=-1, rating_energy=1)
    recompute_feel(alice, [song.pk])
    assert entry(alice, song).feel_source == FeelSource.RATING


def test_a_deleted_check_in_takes_its_mood_away_on_the_next_pass(alice: User) -> None:
    song = make_track(alice)
    checkin = make_checkin(alice, when=NOON, pleasantness=2, energy=2, with_extras=False)
    heard_before(alice, song, NOON)
    refresh_changed()
    assert entry(alice, song).heard_count == 1

    checkin.deleted_at = NOON + dt.timedelta(days=1)
    checkin.save()
    assert refresh_changed() == 1
    mine = entry(alice, song)
    assert (mine.heard_count, mine.heard_pleasantness) == (0, None)
    assert mine.feel_source == FeelSource.UNKNOWN


def test_a_pass_refreshes_only_people_whose_check_ins_or_listens_changed(
    alice: User, bob: User
) -> None:
    song = make_track(alice)
    make_checkin(alice, when=NOON, with_extras=False)
    heard_before(alice, song, NOON)
    make_checkin(bob, when=NOON, with_extras=False)
    assert refresh_changed() == 2
    assert refresh_changed() == 0  # nothing new
    heard_before(bob, make_track(bob), NOON, minutes=20)  # a new listen: bob only
    assert refresh_changed() == 1
    assert HeardFeelMark.objects.count() == 1


def test_the_track_page_says_where_the_feel_comes_from(alice: User, alice_client: Client) -> None:
    song = make_track(alice)
    make_checkin(alice, when=NOON, with_extras=False)
    heard_before(alice, song, NOON)
    refresh_changed()
    page = alice_client.get(f"/music/tracks/{song.pk}/").content.decode()
    assert "what you were listening to around your check-ins (1 check-in)" in page
