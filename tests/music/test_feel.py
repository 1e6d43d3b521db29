from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from mood.models import EmotionWord
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import recompute_feel, tag_feel
from music.models import FeelSource, Track, UserTrack


def _checkin(user: User, p: int, e: int) -> CheckIn:
    return CheckIn.objects.create(
        user=user,
        felt_at=timezone.now() - dt.timedelta(hours=1),
        local_date=dt.date.today(),
        time_zone="Europe/Berlin",
        pleasantness=p,
        energy=e,
    )


def _feel(user: User, track: Track) -> tuple[float | None, float | None, str]:
    entry = UserTrack.objects.get(user=user, track=track)
    return entry.feel_pleasantness, entry.feel_energy, entry.feel_source


def test_it_takes_the_mean_of_the_checkins_a_track_was_part_of(alice: User) -> None:
    track = get_or_create_track(TrackInfo("Adele", "Someone Like You"), alice)
    CheckInTrack.objects.create(checkin=_checkin(alice, -3, -2), track=track)
    # The song's own feel on the link wins over that check-in's mood.
    CheckInTrack.objects.create(
        checkin=_checkin(alice, 4, 4), track=track, pleasantness=-1, energy=0
    )
    recompute_feel(alice, [track.pk])
    assert _feel(alice, track) == (-2.0, -1.0, FeelSource.CHECKINS)
    assert UserTrack.objects.get(user=alice, track=track).checkin_count == 2


def test_it_prefers_the_users_rating(alice: User) -> None:
    track = get_or_create_track(TrackInfo("Adele", "Hello"), alice)
    CheckInTrack.objects.create(checkin=_checkin(alice, -3, -2), track=track)
    UserTrack.objects.create(user=alice, track=track, rating_pleasantness=2, rating_energy=1)
    recompute_feel(alice, [track.pk])
    assert _feel(alice, track) == (2.0, 1.0, FeelSource.RATING)


def test_it_ignores_other_peoples_and_deleted_checkins(alice: User, bob: User) -> None:
    track = get_or_create_track(TrackInfo("Adele", "Skyfall"), alice)
    bobs = get_or_create_track(TrackInfo("Adele", "Skyfall"), bob)
    CheckInTrack.objects.create(checkin=_checkin(bob, 4, 4), track=bobs)
    gone = _checkin(alice, -4, -4)
    CheckIn.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    CheckInTrack.objects.create(checkin=gone, track=track)
    recompute_feel(alice, [track.pk])
    assert _feel(alice, track) == (None, None, FeelSource.UNKNOWN)


def test_it_falls_back_to_tags_through_the_vocabulary(alice: User) -> None:
    EmotionWord.objects.update_or_create(
        user=None,
        word__iexact="serene",
        defaults={"word": "Serene", "pleasantness": 3, "energy": -3},
    )
    track = get_or_create_track(TrackInfo("Brian Eno", "An Ending (Ascent)"), alice)
    Track.objects.filter(pk=track.pk).update(tags="serene, ambient, unknown-tag")
    recompute_feel(alice, [track.pk])
    assert _feel(alice, track) == (2.0, -3.0, FeelSource.TAGS)


def test_it_maps_genres_gently() -> None:
    assert tag_feel("Dance, pop", {}) == (2.5, 2.5)
    assert tag_feel("nothing known", {}) is None


def test_it_recomputes_many_tracks_in_fixed_queries(alice: User, django_assert_num_queries) -> None:
    tracks = [get_or_create_track(TrackInfo("A", f"Song {i}"), alice) for i in range(40)]
    checkin = _checkin(alice, 1, -1)
    CheckInTrack.objects.bulk_create(CheckInTrack(checkin=checkin, track=t) for t in tracks)
    with django_assert_num_queries(4):
        recompute_feel(alice, [t.pk for t in tracks])
    assert UserTrack.objects.filter(user=alice, feel_source=FeelSource.CHECKINS).count() == 40
