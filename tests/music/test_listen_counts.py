"""Play statistics grow with the listens that go in (music/imports/listens.py):
whatever the road and the order, UserTrack holds what a recount from every
listen gives, and a track new to the library gets its feel."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from django.db.models import Count, Max, Q, Sum

from accounts.models import User
from imports.models import ImportJob
from imports.report import ImportReport
from journal.models import CheckInTrack
from music.catalogue import TrackInfo
from music.feel import recompute_feel
from music.imports import listens
from music.imports.listens import ListenWriter, Play
from music.models import FeelSource, Listen, Track, UserTrack
from music.plays import refresh_plays
from tests.factories import make_checkin, make_track
from tests.music.conftest import Importer

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


def _spotify_play(title: str, minutes: int, ms: int, uri: str | None = None) -> dict[str, object]:
    end = START + dt.timedelta(minutes=minutes, milliseconds=ms)
    return {
        "ts": end.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ms_played": ms,
        "master_metadata_track_name": title,
        "master_metadata_album_artist_name": "Nina Simone",
        "master_metadata_album_album_name": "Pastel Blues",
        "spotify_track_uri": uri,
        "skipped": False,
    }


def feels(user: User) -> dict[int, tuple[object, ...]]:
    return {
        row.track_id: (
            row.feel_pleasantness,
            row.feel_energy,
            row.feel_source,
            row.checkin_count,
            row.checkin_pleasantness,
            row.checkin_energy,
        )
        for row in UserTrack.objects.filter(user=user)
    }


def test_a_history_into_a_library_that_has_some_of_its_tracks_matches_a_recount(
    alice: User, import_file: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Spotify file over several batches into a library that already has some
    of its songs: a counted, rated one; one with listens and no library row (an
    older archive); a tagged one; one on a check-in. Every row ends as a full
    recount and `recompute_feel` would leave it, and tracks the import made
    (never recounted) are right too."""
    monkeypatch.setattr(listens, "BATCH_SIZE", 4)
    monkeypatch.setattr(listens, "RESOLVE_SIZE", 2)
    rated = make_track(alice, "Nina Simone", "Feeling Good")
    Listen.objects.create(user=alice, track=rated, played_at=START - dt.timedelta(days=9))
    UserTrack.objects.create(
        user=alice, track=rated, rating_pleasantness=3, rating_energy=1, play_count=1
    )
    recompute_feel(alice, [rated.pk])
    archived = make_track(alice, "Nina Simone", "Sinnerman")
    Listen.objects.bulk_create(
        [
            Listen(user=alice, track=archived, played_at=START - dt.timedelta(days=d), ms_played=1)
            for d in range(1, 4)
        ]
    )
    tagged = make_track(alice, "Nina Simone", "Wild Is the Wind")
    tagged.tags = "jazz"
    tagged.save(update_fields=["tags"])
    on_checkin = make_track(alice, "Nina Simone", "Lilac Wine")
    CheckInTrack.objects.create(
        checkin=make_checkin(alice, with_extras=False),
        track=on_checkin,
        pleasantness=-3,
        energy=-2,
        position=0,
    )
    titles = ["Feeling Good", "Sinnerman", "Wild Is the Wind", "Lilac Wine"]
    titles += [f"New Song {n}" for n in range(6)]
    history = [
        _spotify_play(title, 10 * i, 20_000 if i % 7 == 3 else 180_000 + i)
        for i, title in enumerate(titles * 3)
    ]
    history.append(history[5])  # the same play twice in one file
    history.append(_spotify_play("New Song 1", 999, 200_000, "spotify:track:" + "1" * 22))
    job = import_file("spotify", json.dumps(history).encode(), "Streaming_History_Audio_2025.json")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 31 and job.duplicates == 1

    counts = stored(alice)
    assert counts == recount(alice)
    assert len(counts) == len(titles)
    assert counts[archived.pk][0] == 3 + 3  # the archive's listens and the file's
    felt = feels(alice)
    assert felt[tagged.pk][:3] == (2.0, -1.0, FeelSource.TAGS)
    assert felt[on_checkin.pk][2:] == (FeelSource.CHECKINS, 1, -3.0, -2.0)
    assert felt[rated.pk][2] == FeelSource.RATING
    refresh_plays(alice, counts)
    recompute_feel(alice, counts)
    assert (stored(alice), feels(alice)) == (counts, felt)

    again = import_file(
        "spotify", json.dumps(history).encode(), "Streaming_History_Audio_2025.json"
    )
    assert again.imported == 0
    assert stored(alice) == counts
