"""Play statistics grow with the listens that go in (music/imports/listens.py):
whatever the road and the order, UserTrack holds what a recount from every
listen gives, and a track new to the library gets its feel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.db.models import Count, Max, Q, Sum

from accounts.models import User
from imports.report import ImportReport
from music.catalogue import TrackInfo
from music.imports.listens import ListenWriter, Play
from music.models import FeelSource, Listen, Track, UserTrack
from tests.factories import make_track

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 6, 1, 8, tzinfo=dt.UTC)


def write(
    user: User, source: str, plays: Sequence[tuple[str, int, int | None, bool]]
) -> ImportReport:
    """(title, minutes after START, ms played, skipped) for each play."""
    report = ImportReport()
    with ListenWriter(user, source, report) as writer:
        for title, minutes, ms, skipped in plays:
            writer.add(
                Play(
                    info=TrackInfo(artist="Nina Simone", title=title),
                    played_at=START + dt.timedelta(minutes=minutes),
                    ms_played=ms,
                    skipped=skipped,
                )
            )
    return report


def recount(user: User) -> dict[int, tuple[int, int, dt.datetime | None]]:
    rows = (
        Listen.objects.filter(user=user)
        .values("track_id")
        .annotate(
            plays=Count("id", filter=Q(skipped=False)),
            ms=Sum("ms_played"),
            last=Max("played_at"),
        )
    )
    return {row["track_id"]: (row["plays"], row["ms"] or 0, row["last"]) for row in rows}


def stored(user: User) -> dict[int, tuple[int, int, dt.datetime | None]]:
    return {
        row.track_id: (row.play_count, row.ms_played_total, row.last_played_at)
        for row in UserTrack.objects.filter(user=user)
    }


def test_counts_add_up_over_batches_sources_retries_and_skips(alice: User) -> None:
    first = write(
        alice,
        "spotify",
        [("Feeling Good", 0, 200_000, False), ("Sinnerman", 10, 12_000, True)]
        + [("Feeling Good", 60 * i, 180_000, False) for i in range(1, 30)],
    )
    assert first.imported == 31
    # Another source: one play overlaps (absorbed), the rest are new; some
    # without a duration, one later than everything so far, one earlier.
    second = write(
        alice,
        "api",
        [
            ("Feeling Good", 1, None, False),
            ("Sinnerman", 5000, None, False),
            ("Sinnerman", -5000, 90_000, False),
            ("I Put a Spell on You", 7, None, False),
        ],
    )
    assert second.imported == 3 and second.duplicates == 1
    again = write(alice, "api", [("Sinnerman", 5000, None, False)])
    assert again.imported == 0
    counts = stored(alice)
    assert counts == recount(alice)
    sinnerman = Track.objects.get(owner=alice, title="Sinnerman").pk
    assert counts[sinnerman] == (2, 102_000, START + dt.timedelta(minutes=5000))


def test_listens_already_there_without_a_library_row_are_counted(alice: User) -> None:
    """An older archive can hold listens and no UserTrack for them: the first
    import that adds the track to the library counts every listen."""
    track = make_track(alice, "Nina Simone", "Feeling Good")
    Listen.objects.bulk_create(
        [
            Listen(user=alice, track=track, played_at=START - dt.timedelta(days=d), ms_played=1000)
            for d in range(1, 6)
        ]
    )
    assert not UserTrack.objects.filter(user=alice).exists()
    write(alice, "api", [("Feeling Good", 0, None, False)])
    assert stored(alice) == recount(alice) == {track.pk: (6, 5000, START)}


def test_a_track_new_to_the_library_gets_its_feel_and_others_keep_theirs(alice: User) -> None:
    tagged = make_track(alice, "Nina Simone", "Feeling Good")
    tagged.tags = "jazz"
    tagged.save(update_fields=["tags"])
    rated = make_track(alice, "Nina Simone", "Sinnerman")
    UserTrack.objects.create(
        user=alice,
        track=rated,
        rating_pleasantness=-2,
        rating_energy=3,
        feel_pleasantness=-2.0,
        feel_energy=3.0,
        feel_source=FeelSource.RATING,
    )
    write(alice, "api", [("Feeling Good", 0, None, False), ("Sinnerman", 5, None, False)])
    new = UserTrack.objects.get(user=alice, track=tagged)
    assert new.feel_source == FeelSource.TAGS
    assert (new.feel_pleasantness, new.feel_energy) == (2.0, -1.0)
    kept = UserTrack.objects.get(user=alice, track=rated)
    assert (kept.feel_source, kept.feel_pleasantness, kept.play_count) == (
        FeelSource.RATING,
        -2.0,
        1,
    )
