"""What a weekly reflection says, on hand-built weeks where the answer is known."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.build import build_content, ensure_content
from journal.reflections.rules import suggest_presets
from journal.reflections.stats import WeekStats, compute_week_stats
from tests.conftest import make_user
from tests.journal.reflection_helpers import WEEK, checkin, days, listen, track

pytestmark = pytest.mark.django_db


def stats_for(user: User, week: dt.date = WEEK) -> WeekStats:
    return compute_week_stats([(user, week)])[(user.pk, week)]


def content_for(user: User, week: dt.date = WEEK) -> dict[str, Any]:
    reflection = WeeklyReflection.objects.create(user=user, week_start=week)
    return ensure_content(reflection)


def test_it_suggests_comfort_then_a_gentle_release_for_a_mostly_blue_week(alice: User) -> None:
    for day in days()[:5]:
        checkin(alice, day, -2, -3, words=["tired"])
    checkin(alice, days()[5], 2, 1)
    content = content_for(alice)
    assert [s["preset"] for s in content["suggestions"]] == ["comfort", "release"]
    assert content["suggestions"][0]["name"] == "Comfort and Solace"
    assert content["quadrants"][0]["quadrant"] == "yellow"
    blue = next(q for q in content["quadrants"] if q["quadrant"] == "blue")
    assert (blue["count"], blue["percent"]) == (5, 83)


def test_it_suggests_calm_and_a_rhythm_exercise_for_a_mostly_red_week(alice: User) -> None:
    for day in days()[:4]:
        checkin(alice, day, -3, 3, words=["stressed"])
    checkin(alice, days()[4], 1, -1)
    content = content_for(alice)
    assert content["suggestions"][0]["preset"] == "calm"
    assert content["exercise"]["kind"] == "rhythm"


def test_it_suggests_connection_after_lonely_words(alice: User) -> None:
    checkin(alice, days()[0], -1, -1, words=["lonely"])
    checkin(alice, days()[2], 1, 1)
    checkin(alice, days()[4], -1, 1, words=["left out"])
    content = content_for(alice)
    assert "connection" in [s["preset"] for s in content["suggestions"]]
    assert content["exercise"]["kind"] == "improvisation"


def test_it_suggests_connection_when_alone_time_comes_without_company(alice: User) -> None:
    for day in days()[:3]:
        checkin(alice, day, 1, -1, tags=["alone time"])
    assert "connection" in suggest_presets(stats_for(alice))


def test_it_does_not_call_a_week_lonely_when_there_was_time_with_friends(alice: User) -> None:
    for day in days()[:3]:
        checkin(alice, day, 2, 1, tags=["alone time"])
    checkin(alice, days()[3], 3, 2, tags=["time with friends"])
    assert "connection" not in suggest_presets(stats_for(alice))


def test_it_suggests_motivation_for_a_low_energy_week(alice: User) -> None:
    for day in days()[:4]:
        checkin(alice, day, 1, -3)
    checkin(alice, days()[4], 0, -2)
    assert suggest_presets(stats_for(alice))[0] == "motivation"


def test_it_writes_a_short_warm_note_for_an_empty_week(alice: User) -> None:
    content = content_for(alice)
    assert content["empty"] is True
    assert content["count"] == 0
    assert content["suggestions"] == []
    assert content["care"] is False
    assert "quadrants" not in content


def test_it_shows_care_resources_in_a_week_of_sustained_very_low_mood(alice: User) -> None:
    for day in days()[:5]:
        checkin(alice, day, -4, -3, words=["hopeless"])
    content = content_for(alice)
    assert content["care"] is True


def test_it_does_not_show_care_resources_after_one_hard_day(alice: User) -> None:
    checkin(alice, days()[0], -4, -4)
    for day in days()[1:5]:
        checkin(alice, day, 1, 0)
    assert content_for(alice)["care"] is False


def test_it_compares_the_week_with_the_four_before(alice: User) -> None:
    for day in days(WEEK - dt.timedelta(days=28))[:4]:
        checkin(alice, day, -2, 0)
    checkin(alice, WEEK - dt.timedelta(days=29), 4, 4)  # five weeks back: not counted
    checkin(alice, days()[0], 2, 1)
    checkin(alice, days()[1], 2, 3)
    content = content_for(alice)
    assert content["mean"] == {"pleasantness": 2.0, "energy": 2.0}
    assert content["previous"] == {"pleasantness": -2.0, "energy": 0.0, "count": 4}


def test_it_finds_the_high_and_low_moments_with_their_days(alice: User) -> None:
    checkin(alice, days()[0], 1, 1)
    checkin(alice, days()[2], 4, 2)  # Wednesday
    checkin(alice, days()[4], -3, -2)  # Friday
    content = content_for(alice)
    assert content["high"]["day"] == "Wednesday"
    assert content["high"]["describe"] == "very pleasant, somewhat high energy"
    assert content["low"]["day"] == "Friday"


def test_it_counts_the_most_used_words_and_tags(alice: User) -> None:
    checkin(alice, days()[0], 1, 1, words=["hopeful", "calm"], tags=["work"])
    checkin(alice, days()[1], 1, 1, words=["hopeful"], tags=["work", "sang"])
    content = content_for(alice)
    assert content["words"][0] == ["hopeful", 2]
    assert content["tags"][0] == ["work", 2]


def test_it_lists_the_weeks_music_and_builds_lyric_reflection_on_the_most_played(
    alice: User,
) -> None:
    song = track(alice, "Harbour Lights", bpm=72)
    other = track(alice, "Paper Boats", bpm=120)
    zone = alice.zone
    for day in days()[:4]:
        checkin(alice, day, -2, -2, words=["tired"])
        listen(alice, song, dt.datetime.combine(day, dt.time(21), tzinfo=zone))
    listen(alice, other, dt.datetime.combine(days()[1], dt.time(9), tzinfo=zone))
    # Outside the local week: the Sunday before, late evening.
    listen(alice, other, dt.datetime.combine(WEEK - dt.timedelta(days=1), dt.time(23), tzinfo=zone))
    content = content_for(alice)
    assert content["music"]["top_tracks"][0]["title"] == "Harbour Lights"
    assert content["music"]["top_tracks"][0]["plays"] == 4
    assert content["music"]["listens"] == 5
    assert content["exercise"]["kind"] == "songwriting"
    assert "Harbour Lights" in content["exercise"]["intro"]


def test_it_sets_the_rhythm_exercise_at_the_tempo_listened_to_most(alice: User) -> None:
    fast = track(alice, "Run", bpm=128)
    slow = track(alice, "Walk", bpm=96.4)
    zone = alice.zone
    for i, day in enumerate(days()[:4]):
        checkin(alice, day, -2, 3)
        listen(alice, slow, dt.datetime.combine(day, dt.time(10), tzinfo=zone))
        if i == 0:
            listen(alice, fast, dt.datetime.combine(day, dt.time(11), tzinfo=zone))
    exercise = content_for(alice)["exercise"]
    assert exercise["kind"] == "rhythm"
    assert exercise["tempo"] == 95
    assert "95 BPM" in exercise["steps"][0]


def test_it_guides_imagery_with_a_calm_track_from_the_library(alice: User) -> None:
    from music.models import UserTrack

    calm = track(alice, "Slow Tide")
    UserTrack.objects.create(
        user=alice, track=calm, feel_pleasantness=3, feel_energy=-3, is_comfort=True
    )
    for day in days()[:4]:
        checkin(alice, day, 2, -3)
    exercise = content_for(alice)["exercise"]
    assert exercise["kind"] == "imagery"
    assert "Slow Tide" in exercise["steps"][0]


def test_it_keeps_note_text_out_of_the_stored_content(alice: User) -> None:
    checkin(alice, days()[0], 3, 2, note="a very private sentence")
    checkin(alice, days()[1], -3, -2, note="another private sentence")
    content = content_for(alice)
    assert "private" not in str(content)


def test_it_computes_a_chunk_with_the_same_number_of_queries_for_more_users(
    django_assert_max_num_queries: Any,
) -> None:
    def make(n: int, prefix: str) -> list[User]:
        users = [make_user(f"{prefix}{i}@example.com", time_zone="Europe/Berlin") for i in range(n)]
        for u in users:
            checkin(u, days()[0], 1, 1, words=["calm"], tags=["work"])
            listen(u, track(u, "Song"), dt.datetime.combine(days()[1], dt.time(9), tzinfo=u.zone))
        return users

    few, many = make(2, "few"), make(12, "many")
    with CaptureQueriesContext(connection) as small:
        compute_week_stats([(u, WEEK) for u in few])
    with django_assert_max_num_queries(len(small)):
        compute_week_stats([(u, WEEK) for u in many])
    assert len(small) <= 12


def test_it_builds_content_from_pure_stats_without_the_database() -> None:
    stats = WeekStats(user_id=1, week_start=WEEK)
    content = build_content(stats, []).to_stored()
    assert content["empty"] is True
    assert content["exercise"]["kind"] in {"songwriting", "improvisation", "imagery", "rhythm"}
