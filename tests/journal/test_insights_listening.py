"""Listens around check-ins count in the music insights (issue 16, section 3):
below attached songs, marked as such; "songs that lift you" beats the usual."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from journal.insights import figures, queries
from journal.insights.results import LiftBaseline
from mood.values import Quadrant
from music.models import Listen, Track
from tests.journal.history_data import checkin, track

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)


def heard(user: User, song: Track, when: str, minutes_before: int = 10) -> None:
    at = dt.datetime.fromisoformat(when).replace(tzinfo=user.zone)
    Listen.objects.create(
        user=user,
        track=song,
        played_at=at - dt.timedelta(minutes=minutes_before),
        ms_played=4 * 60000,
        source="api",
    )


def test_songs_heard_around_checkins_count_below_attached_ones(alice: User) -> None:
    attached = track(alice, "Bill Withers", "Lovely Day")
    playing = track(alice, "Massive Attack", "Teardrop")
    # Lovely Day added to one bright check-in; Teardrop heard before three.
    checkin(alice, "2026-03-01 09:00", 3, 2, tracks=[attached])
    for day in (2, 3, 4):
        checkin(alice, f"2026-03-{day:02d} 09:00", 3, 2)
        heard(alice, playing, f"2026-03-{day:02d} 09:00")
    # Heard 40 minutes before: outside the half hour, not counted.
    checkin(alice, "2026-03-05 09:00", 3, 2)
    heard(alice, playing, "2026-03-05 09:00", minutes_before=40)
    music = figures.music_by_quadrant(alice, None, None)
    assert music.links == 1 and music.heard == 3
    yellow = music.tracks[Quadrant.YELLOW]
    assert [(t.name, t.count, t.heard, t.weight) for t in yellow] == [
        ("Teardrop", 0, 3, 1.5),
        ("Lovely Day", 1, 0, 1.0),
    ]
    artists = {a.name: (a.count, a.heard) for a in music.artists[Quadrant.YELLOW]}
    assert artists == {"Massive Attack": (0, 3), "Bill Withers": (1, 0)}


def test_a_song_both_added_and_heard_counts_once_per_checkin(alice: User) -> None:
    song = track(alice, "Nina Simone", "Feeling Good")
    checkin(alice, "2026-03-01 09:00", 2, 1, tracks=[song])
    heard(alice, song, "2026-03-01 09:00")
    music = figures.music_by_quadrant(alice, None, None)
    assert [(t.count, t.heard) for t in music.tracks[Quadrant.YELLOW]] == [(1, 0)]


def test_songs_that_lift_must_beat_the_usual_rate(alice: User) -> None:
    lifter = track(alice, "Lizzo", "Good as Hell")
    usual = track(alice, "Low", "Words")
    # Mornings two days apart, each followed by an evening check-in (evening to
    # the next morning is more than a day: not counted). Good as Hell (added):
    # better 4 of 4. Words (heard, not added): better 2 of 3, more often than
    # not — but below the usual rate, so it does not lift. Four more mornings
    # without a song: better 3 of 4.
    plan: list[tuple[Track | None, int]] = [(lifter, 1)] * 4
    plan += [(usual, 1), (usual, 1), (usual, -3)]
    plan += [(None, 1)] * 3 + [(None, -3)]
    for n, (song, evening) in enumerate(plan):
        day = f"2026-03-{1 + 2 * n:02d}"
        if song is lifter:
            checkin(alice, f"{day} 09:00", -1, 0, tracks=[song])
        else:
            checkin(alice, f"{day} 09:00", -1, 0)
            if song is not None:
                heard(alice, song, f"{day} 09:00")
        checkin(alice, f"{day} 18:00", evening, 0)
    baseline = figures.lift_baseline(alice, None, None)
    assert (baseline.followed, baseline.better) == (11, 9)
    found = figures.songs_that_lift(alice, None, None)
    assert [(f.title, f.better, f.followed, f.heard) for f in found] == [("Good as Hell", 4, 4, 0)]
    assert found[0].baseline == LiftBaseline(11, 9)
    everything = figures.songs_that_lift(alice, None, None, min_samples=1, limit=10)
    assert "Words" not in [f.title for f in everything]  # 2 of 3 (67%) < 9 of 11 (82%)


def test_a_song_heard_around_checkins_can_lift_and_says_so(alice: User) -> None:
    playing = track(alice, "Massive Attack", "Teardrop")
    for n, evening in enumerate((1, 1, 1, -3)):
        day = f"2026-03-{1 + 2 * n:02d}"
        checkin(alice, f"{day} 09:00", -1, 0)
        if n < 3:
            heard(alice, playing, f"{day} 09:00")
        checkin(alice, f"{day} 18:00", evening, 0)
    found = figures.songs_that_lift(alice, None, None)
    assert [(f.title, f.better, f.followed, f.heard) for f in found] == [("Teardrop", 3, 3, 3)]


def test_check_ins_grouped_by_music_heard_just_before(alice: User) -> None:
    song = track(alice, "Nils Frahm", "Says")
    for day in range(1, 6):  # five check-ins after 12 minutes of music: mood +2
        when = f"2026-03-{day:02d} 09:00"
        checkin(alice, when, 2, 0)
        heard(alice, song, when, minutes_before=20)
        heard(alice, song, when, minutes_before=12)
        heard(alice, song, when, minutes_before=5)
    for day in range(6, 11):  # five without: mood −1
        checkin(alice, f"2026-03-{day:02d} 09:00", -1, 0)
    checkin(alice, "2026-03-11 09:00", 1, 0)  # one with 4 minutes: too few to show
    heard(alice, song, "2026-03-11 09:00")
    buckets = figures.listening_before_checkins(alice, None, None)
    assert [(b.checkins, b.mean) for b in buckets] == [(5, -1.0), (1, None), (5, 2.0)]


@time_machine.travel(NOW, tick=False)
def test_the_insights_page_shows_the_baseline_the_counts_and_the_heard_songs(
    alice: User, alice_client: Client
) -> None:
    lifter = track(alice, "Lizzo", "Good as Hell")
    playing = track(alice, "Massive Attack", "Teardrop")
    for n, evening in enumerate((1, 1, 1, -2, -2)):
        day = f"2026-03-{1 + 2 * n:02d}"
        checkin(alice, f"{day} 09:00", -1, 0, tracks=[lifter] if n < 4 else [])
        heard(alice, playing, f"{day} 09:00")
        checkin(alice, f"{day} 18:00", evening, 0)
    html = alice_client.get("/history/insights/").content.decode()
    assert "heard around 5 check-ins" in html
    assert "was more pleasant 3 of 5 times (60%)" in html  # the usual rate
    assert "more pleasant 3 of 4 times (75%, against 60% after any check-in)" in html
    assert "Music just before a check-in" in html


def test_the_figures_share_one_heard_query(alice: User, django_assert_num_queries: object) -> None:
    song = track(alice, "A", "B")
    checkin(alice, "2026-03-01 09:00", 1, 1)
    heard(alice, song, "2026-03-01 09:00")
    rows = queries.mood_rows(alice, None, None)
    links = queries.song_links(alice, None, None)
    found = queries.heard_links(alice, None, None)
    with django_assert_num_queries(0):  # type: ignore[operator]
        figures.music_by_quadrant(alice, None, None, links=links, heard=found)
        figures.songs_that_lift(alice, None, None, rows=rows, links=links, heard=found)
        figures.listening_before_checkins(alice, None, None, rows, found)
