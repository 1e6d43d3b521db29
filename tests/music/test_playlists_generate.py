"""generate() and save_plan() for a user: presets on libraries built to show them."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from music.models import Playlist
from music.playlist_engine import PRESETS, distance
from music.playlists import generate, save_plan
from tests.music.playlist_helpers import add_song, check_in, grid_library


def test_it_names_the_five_playlists_of_the_seed() -> None:
    assert {key: p.name for key, p in PRESETS.items()} == {
        "comfort": "Comfort and Solace",
        "release": "Emotional Release",
        "connection": "Connection and Community",
        "motivation": "Motivation and Empowerment",
        "calm": "Calm",
    }
    for preset in PRESETS.values():
        assert preset.explanation.endswith(".")
        assert preset.explanation.count(". ") == 0  # one sentence


def test_it_starts_from_the_latest_check_in(alice: User) -> None:
    grid_library(alice)
    check_in(alice, 3, 3, when=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    check_in(alice, -3, -3, when=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    plan = generate(alice, preset="comfort")
    assert plan.start == (-3.0, -3.0)
    assert plan.start_from_checkin
    assert len(plan.tracks) == 8
    assert plan.shortfall is None
    assert all(distance(p, (-3, -3)) <= 1.5 for p in plan.path[:2])
    assert all(distance(p, PRESETS["comfort"].target) <= 1.5 for p in plan.path[-2:])


def test_it_ignores_another_users_check_ins_and_songs(alice: User, bob: User) -> None:
    grid_library(bob, prefix="Bob ")
    check_in(bob, 4, 4)
    add_song(alice, "Only", "Mine", (0, 0))
    plan = generate(alice, preset="motivation")
    assert plan.start == PRESETS["motivation"].default_start
    assert not plan.start_from_checkin
    assert [t.title for t in plan.tracks] == ["Mine"]
    assert plan.shortfall


def test_comfort_prefers_songs_tied_to_good_moments(alice: User) -> None:
    grid_library(alice, step=2)
    loved = add_song(alice, "Warm Band", "Kitchen Dancing", (2.3, -1.3), comfort=True)
    memory = add_song(alice, "Memory Band", "Summer Evening", (1.6, -0.6))
    check_in(alice, 4, 1, tracks=[memory], when=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    from music.models import UserTrack

    UserTrack.objects.filter(user=alice, track=memory).update(
        checkin_pleasantness=4, checkin_count=3
    )
    check_in(alice, -2, -2)
    plan = generate(alice, preset="comfort")
    assert loved in plan.tracks[-3:]
    assert memory in plan.tracks[-3:]


def test_release_meets_heavy_feelings_before_easing(alice: User) -> None:
    grid_library(alice)
    check_in(alice, 1, 2)  # even on a fine day, release starts on the heavy side
    plan = generate(alice, preset="release")
    assert plan.start == (-2.0, 2.0)
    assert plan.parts == (3, 3, 2)
    assert all(p[0] <= -1 for p in plan.path[:3])
    assert all(distance(p, (1, -1)) <= 1.5 for p in plan.path[-2:])


def test_connection_prefers_songs_shared_with_people(alice: User) -> None:
    grid_library(alice, step=2)
    choir = add_song(alice, "Choir", "All Together", (2.5, 0.5))
    solo = add_song(alice, "Solo", "By Myself", (3.0, 1.0))
    check_in(
        alice,
        3,
        2,
        tracks=[choir],
        tags=["sang or played with others"],
        when=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    check_in(alice, -2, -2)
    plan = generate(alice, preset="connection")
    assert choir in plan.tracks
    assert plan.tracks.index(choir) >= len(plan.tracks) - 2
    assert solo in plan.tracks  # the exact target still arrives, just not preferred first


def test_motivation_builds_energy_toward_bright(alice: User) -> None:
    grid_library(alice)
    check_in(alice, -1, -3)
    plan = generate(alice, preset="motivation")
    energies = [e for _, e in plan.path]
    assert energies[0] <= -2
    assert energies[-1] >= 2
    assert plan.path[-1][0] >= 2


def test_calm_settles_high_energy_toward_quiet_and_pleasant(alice: User) -> None:
    grid_library(alice)
    check_in(alice, -2, 4)
    plan = generate(alice, preset="calm")
    assert plan.path[0][1] >= 3
    assert plan.path[-1][1] <= -2
    assert plan.path[-1][0] >= 1


def test_calm_from_a_quiet_check_in_still_starts_with_some_energy(alice: User) -> None:
    grid_library(alice)
    check_in(alice, 1, -3)
    plan = generate(alice, preset="calm")
    assert plan.start == (1.0, 1.0)


def test_it_goes_from_one_point_to_another_without_a_preset(alice: User) -> None:
    grid_library(alice)
    plan = generate(alice, start=(4, 4), target=(-4, -4), length=5, mode="compensatory")
    assert len(plan.tracks) == 5
    assert all(distance(p, (-4, -4)) <= 2 for p in plan.path)


def test_it_says_plainly_when_too_few_songs_have_a_feel_and_which_to_rate(alice: User) -> None:
    add_song(alice, "A", "Known one", (1, 1))
    add_song(alice, "B", "Known two", (-1, 1))
    add_song(alice, "C", "Played a lot", None, plays=50)
    add_song(alice, "D", "Played a little", None, plays=2)
    add_song(alice, "E", "Played most", None, plays=90)
    plan = generate(alice, preset="comfort")
    assert plan.shortfall == "You have 2 songs with a known feel, and this playlist needs 8."
    assert [t.title for t in plan.suggest_rating] == [
        "Played most",
        "Played a lot",
        "Played a little",
    ]
    assert len(plan.tracks) == 2


def test_it_gives_the_same_playlist_for_the_same_seed(alice: User) -> None:
    grid_library(alice)
    first = generate(alice, preset="motivation", seed=5)
    assert generate(alice, preset="motivation", seed=5).tracks == first.tracks


def test_it_rejects_unknown_presets_and_modes(alice: User) -> None:
    with pytest.raises(ValueError):
        generate(alice, preset="nope")
    with pytest.raises(ValueError):
        generate(alice, preset="calm", mode="sideways")
    with pytest.raises(ValueError):
        generate(alice)


def test_it_saves_a_plan_in_order_with_where_it_went(alice: User) -> None:
    grid_library(alice)
    check_in(alice, -2, -1)
    plan = generate(alice, preset="comfort", length=6)
    playlist = save_plan(alice, plan)
    assert playlist.name == "Comfort and Solace"
    assert playlist.preset == "comfort"
    assert playlist.mode == Playlist.Mode.ISO
    assert (playlist.start_pleasantness, playlist.start_energy) == (-2.0, -1.0)
    assert (playlist.target_pleasantness, playlist.target_energy) == (2.0, -1.0)
    assert [i.track for i in playlist.items.all()] == plan.tracks
    assert [i.position for i in playlist.items.all()] == [1, 2, 3, 4, 5, 6]
    named = save_plan(alice, plan, name="  Sunday  ")
    assert named.name == "Sunday"


def test_it_says_gently_when_no_song_sounds_like_the_start(alice: User) -> None:
    for i in range(8):
        add_song(alice, f"Bright {i}", f"Sunny {i}", (3 + (i % 2), 2 + (i % 3)))
    add_song(alice, "Unrated", "Often played", None, plays=30)
    check_in(alice, -4, -4)
    plan = generate(alice, preset="comfort")
    assert plan.shortfall is None
    assert plan.note and "closest ones" in plan.note
    assert [t.title for t in plan.suggest_rating] == ["Often played"]


def test_it_suggests_only_your_own_unrated_songs_once_each(alice: User, bob: User) -> None:
    shared = add_song(alice, "Shared", "Song", None, plays=3)
    add_song(bob, "Shared", "Song", None, plays=500)  # the same song, bob's own
    add_song(bob, "Bob", "Only bob", None, plays=900)
    plan = generate(alice, preset="calm")
    assert plan.suggest_rating == [shared]
