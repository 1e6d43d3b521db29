"""Migrations music 0004-0006 give every existing track and artist an owner:
a track two people had becomes one each, with each person's listens, library
entries, playing-now, playlist items and check-in songs moved onto their own;
a track nobody has is dropped (docs/catalogue-per-user.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from journal.models import CheckInTrack
from music.models import Artist, Listen, PlayingNow, PlaylistItem, Track, UserTrack

BEFORE = [("music", "0003_listening_api")]
DATA = [("music", "0005_catalogue_owner_data")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def immediate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_it_gives_each_user_their_own_copy_of_a_shared_track(alice: User, bob: User) -> None:
    # Every app as the database now has it: music before the owners, the rest as is.
    loader = migrate(BEFORE).loader
    others = [node for node in loader.graph.leaf_nodes() if node[0] != "music"]
    old = loader.project_state([*others, *BEFORE]).apps
    OldArtist, OldTrack = old.get_model("music", "Artist"), old.get_model("music", "Track")
    band = OldArtist.objects.create(name="Radiohead", name_key="radiohead")
    shared = OldTrack.objects.create(
        artist=band,
        title="Creep",
        title_key="creep",
        album="Pablo Honey",
        spotify_uri="spotify:track:70LcF31zb1H0PyJoS1Sx1r",
        bpm=92.0,
    )
    alices = OldTrack.objects.create(artist=band, title="Nude", title_key="nude")
    nobodys = OldTrack.objects.create(
        artist=OldArtist.objects.create(name="Nobody", name_key="nobody"),
        title="Unheard",
        title_key="unheard",
    )
    at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    for user in (alice, bob):
        old.get_model("music", "Listen").objects.create(
            user_id=user.pk, track_id=shared.pk, played_at=at, source="spotify"
        )
        old.get_model("music", "UserTrack").objects.create(
            user_id=user.pk, track_id=shared.pk, play_count=1
        )
    old.get_model("music", "Listen").objects.create(
        user_id=alice.pk, track_id=alices.pk, played_at=at, source="spotify"
    )
    old.get_model("music", "PlayingNow").objects.create(
        user_id=bob.pk, track_id=shared.pk, started_at=at, expires_at=at
    )
    playlist = old.get_model("music", "Playlist").objects.create(user_id=bob.pk, name="Mine")
    old.get_model("music", "PlaylistItem").objects.create(
        playlist_id=playlist.pk, track_id=shared.pk, position=0
    )
    checkin = old.get_model("journal", "CheckIn").objects.create(
        user_id=bob.pk,
        felt_at=at,
        local_date=at.date(),
        time_zone="UTC",
        pleasantness=1,
        energy=1,
    )
    old.get_model("journal", "CheckInTrack").objects.create(
        checkin_id=checkin.pk, track_id=shared.pk, position=0
    )

    # In production each migration commits on its own; here they share the
    # test's transaction, and PostgreSQL refuses an ALTER TABLE while rows
    # written before it still have deferred constraint checks pending.
    immediate()
    migrate(DATA)
    immediate()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # type: ignore[arg-type]

    assert not Track.objects.filter(pk=nobodys.pk).exists()
    assert not Artist.objects.filter(name="Nobody").exists()
    kept = Track.objects.get(pk=shared.pk)
    assert kept.owner == alice  # the first user keeps the row
    bobs = Track.objects.get(owner=bob)
    assert bobs.pk != kept.pk
    assert (bobs.title, bobs.album, bobs.spotify_uri, bobs.bpm) == (
        kept.title,
        kept.album,
        kept.spotify_uri,
        kept.bpm,
    )
    assert bobs.artist.owner == bob and bobs.artist != kept.artist
    assert bobs.artist.name == "Radiohead"
    assert Track.objects.get(pk=alices.pk).owner == alice
    assert set(Track.objects.filter(owner=alice).values_list("pk", flat=True)) == {
        kept.pk,
        alices.pk,
    }
    # Each person's rows point at their own track, and nothing was lost.
    assert set(Listen.objects.filter(user=bob).values_list("track_id", flat=True)) == {bobs.pk}
    assert set(Listen.objects.filter(user=alice).values_list("track_id", flat=True)) == {
        kept.pk,
        alices.pk,
    }
    assert UserTrack.objects.get(user=bob).track_id == bobs.pk
    assert UserTrack.objects.get(user=alice).track_id == kept.pk
    assert PlayingNow.objects.get(user=bob).track_id == bobs.pk
    assert PlaylistItem.objects.get(playlist__user=bob).track_id == bobs.pk
    assert CheckInTrack.objects.get(checkin__user=bob).track_id == bobs.pk
    assert not Track.objects.filter(owner__isnull=True).exists()
