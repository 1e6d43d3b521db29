"""The check-in path refreshes a song's feel through music.feel, the one writer
of a song's derived numbers: a playlist made right after sees the new feel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from journal import checkins
from journal.models import CheckInTrack
from mood.models import EmotionWord
from mood.values import Mood
from mood.vocabulary import install_vocabulary
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import recompute_feel
from music.models import FeelSource, Track, UserTrack
from music.playlists import generate, load_candidates

EARLIER = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def feel_in_playlist(user: User, track: Track) -> tuple[float, float] | None:
    """The feel the playlist engine is given for this song."""
    for candidate in load_candidates(user):
        if candidate.track_id == track.pk:
            return (candidate.pleasantness, candidate.energy)
    return None


def stored(user: User, track: Track) -> tuple[int, float | None, float | None, str]:
    row = UserTrack.objects.get(user=user, track=track)
    return (row.checkin_count, row.feel_pleasantness, row.feel_energy, row.feel_source)


@pytest.fixture
def tagged_song(alice: User) -> Track:
    """A song whose feel so far comes from its tags ("upbeat", a shipped word at 2, 2)."""
    install_vocabulary(EmotionWord)  # other tests may have flushed the migration's rows
    track = get_or_create_track(TrackInfo("Band", "Upbeat Song"), alice)
    Track.objects.filter(pk=track.pk).update(tags="upbeat")
    recompute_feel(alice, [track.pk])
    assert stored(alice, track) == (0, 2.0, 2.0, FeelSource.TAGS)
    return track


def test_a_song_on_a_new_checkin_changes_the_playlist_at_once(
    alice: User, tagged_song: Track
) -> None:
    assert feel_in_playlist(alice, tagged_song) == (2.0, 2.0)
    checkins.record_checkin(alice, Mood(-3, -2), track=(tagged_song.pk, None, None))
    assert feel_in_playlist(alice, tagged_song) == (-3.0, -2.0)
    plan = generate(alice, start=(0.0, 0.0), target=(-3.0, -2.0), length=1)
    assert plan.tracks == [tagged_song]
    assert plan.path == [(-3.0, -2.0)]
    assert plan.items[0].feel_source == FeelSource.CHECKINS


def test_the_songs_own_feel_on_the_checkin_is_what_counts(alice: User, tagged_song: Track) -> None:
    checkins.record_checkin(alice, Mood(-3, -2), track=(tagged_song.pk, None, Mood(1, -1)))
    assert feel_in_playlist(alice, tagged_song) == (1.0, -1.0)


def test_every_change_to_a_songs_moments_refreshes_its_feel(
    alice: User, tagged_song: Track
) -> None:
    first = checkins.create_checkin(alice, Mood(-2, -2), EARLIER)
    link, _ = checkins.attach_track(first, tagged_song)
    assert stored(alice, tagged_song) == (1, -2.0, -2.0, FeelSource.CHECKINS)

    checkins.update_checkin(first, Mood(2, -4), EARLIER)
    assert feel_in_playlist(alice, tagged_song) == (2.0, -4.0)

    checkins.set_track_feel(link, Mood(4, 0))
    assert feel_in_playlist(alice, tagged_song) == (4.0, 0.0)

    second = checkins.record_checkin(alice, Mood(-4, 4), track=(tagged_song.pk, None, None))
    assert stored(alice, tagged_song) == (2, 0.0, 2.0, FeelSource.CHECKINS)

    checkins.delete_checkin(second)
    assert feel_in_playlist(alice, tagged_song) == (4.0, 0.0)
    assert checkins.undo_delete(second)
    assert feel_in_playlist(alice, tagged_song) == (0.0, 2.0)

    checkins.detach_track(CheckInTrack.objects.get(checkin=second))
    checkins.detach_track(CheckInTrack.objects.get(pk=link.pk))
    # No check-in left: back to what its tags say.
    assert stored(alice, tagged_song) == (0, 2.0, 2.0, FeelSource.TAGS)


def test_a_rating_still_wins_over_a_new_checkin(alice: User, tagged_song: Track) -> None:
    UserTrack.objects.filter(user=alice, track=tagged_song).update(
        rating_pleasantness=1, rating_energy=2
    )
    recompute_feel(alice, [tagged_song.pk])
    checkins.record_checkin(alice, Mood(-4, -4), track=(tagged_song.pk, None, None))
    assert stored(alice, tagged_song) == (1, 1.0, 2.0, FeelSource.RATING)
    row = UserTrack.objects.get(user=alice, track=tagged_song)
    assert (row.checkin_pleasantness, row.checkin_energy) == (-4.0, -4.0)


def test_the_cheap_fold_gives_what_a_full_recompute_gives(alice: User) -> None:
    track = get_or_create_track(TrackInfo("Nina Simone", "Feeling Good"), alice)
    checkins.record_checkin(alice, Mood(1, 1), track=(None, ("Nina Simone", "Feeling Good"), None))
    for mood, feel in ((Mood(-3, 2), None), (Mood(4, -4), Mood(0, 1)), (Mood(-1, 3), None)):
        checkins.record_checkin(alice, mood, track=(track.pk, None, feel))
    folded = stored(alice, track)
    recompute_feel(alice, [track.pk])
    assert folded == pytest.approx(stored(alice, track))
    assert folded == pytest.approx((4, -3 / 4, 7 / 4, FeelSource.CHECKINS))


@pytest.mark.parametrize("known", [True, False])
def test_a_checkin_with_a_song_writes_the_feel_in_one_statement(alice: User, known: bool) -> None:
    track = get_or_create_track(TrackInfo("Band", "Song"), alice)
    if known:
        checkins.record_checkin(alice, Mood(1, 1), track=(track.pk, None, None))
    else:
        assert not UserTrack.objects.filter(user=alice, track=track).exists()
    table = UserTrack._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        checkins.record_checkin(alice, Mood(2, 2), track=(track.pk, None, None))
    touching = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    expected = (2, 1.5, 1.5) if known else (1, 2.0, 2.0)
    assert stored(alice, track) == (*expected, FeelSource.CHECKINS)
