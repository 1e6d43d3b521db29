from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import User
from imports.models import ImportJob
from journal.models import CheckIn, CheckInTrack
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import recompute_feel
from music.models import FeelSource, Listen, Track, UserTrack
from music.plays import refresh_plays


def _library(user: User, n: int) -> list[Track]:
    tracks = [
        get_or_create_track(TrackInfo(f"Artist {i % 7}", f"Song {i}"), user) for i in range(n)
    ]
    now = timezone.now().replace(microsecond=0)
    Listen.objects.bulk_create(
        Listen(
            user=user,
            track=t,
            played_at=now - dt.timedelta(hours=i),
            ms_played=200_000,
            source="test",
        )
        for i, t in enumerate(tracks)
    )
    refresh_plays(user, [t.pk for t in tracks])
    for i, track in enumerate(tracks[:3]):
        UserTrack.objects.filter(user=user, track=track).update(
            rating_pleasantness=i + 1, rating_energy=-(i + 1)
        )
    recompute_feel(user, [t.pk for t in tracks])
    return tracks


@pytest.mark.parametrize("size", [3, 60])
def test_it_lists_the_library_in_fixed_queries(
    alice: User, alice_client: Client, django_assert_num_queries, size: int
) -> None:
    _library(alice, size)
    with django_assert_num_queries(4):  # session, user, count, page
        response = alice_client.get("/music/", {"sort": "feel", "quadrant": "green"})
    assert response.status_code == 200
    assert "Song 2" in response.text and "Calm" in response.text
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_it_searches_and_filters(alice: User, alice_client: Client) -> None:
    _library(alice, 12)
    response = alice_client.get("/music/", {"q": "song 11"}, headers={"HX-Request": "true"})
    assert "Song 11" in response.text and "Song 10" not in response.text
    assert "<h1>" not in response.text  # only the results partial
    assert "HX-Request" in response["Vary"]
    assert "Song 3" not in alice_client.get("/music/", {"quadrant": "green"}).text
    bad = alice_client.get("/music/?q=%00%ED%A0%80&sort=nonsense&page=x&quadrant=%FF")
    assert bad.status_code == 200


def test_it_paginates(alice: User, alice_client: Client) -> None:
    _library(alice, 55)
    first = alice_client.get("/music/", {"sort": "title"})
    assert "Page 1 of 2" in first.text
    second = alice_client.get("/music/", {"sort": "title", "page": "2"})
    assert "Page 2 of 2" in second.text


@pytest.mark.parametrize("size", [2, 30])
def test_it_shows_a_track_page_in_fixed_queries(
    alice: User, alice_client: Client, django_assert_num_queries, size: int
) -> None:
    track = _library(alice, 1)[0]
    checkins = [
        CheckIn(
            user=alice,
            felt_at=timezone.now() - dt.timedelta(days=i),
            local_date=dt.date.today(),
            time_zone="Europe/Berlin",
            pleasantness=-2,
            energy=-3,
        )
        for i in range(size)
    ]
    CheckIn.objects.bulk_create(checkins)
    CheckInTrack.objects.bulk_create(CheckInTrack(checkin=c, track=track) for c in checkins)
    with django_assert_num_queries(7):
        response = alice_client.get(f"/music/tracks/{track.pk}/")
    assert response.status_code == 200
    assert "your rating" in response.text  # feel source shown
    assert "somewhat unpleasant, low energy" in response.text
    assert "Plays per month" in response.text


def test_it_hides_tracks_that_are_not_yours(alice: User, bob_client: Client) -> None:
    track = _library(alice, 1)[0]
    assert bob_client.get(f"/music/tracks/{track.pk}/").status_code == 404
    assert bob_client.post(f"/music/tracks/{track.pk}/rate/", {"feel": "1,1"}).status_code == 404
    assert (
        bob_client.post(f"/music/tracks/{track.pk}/comfort/", {"comfort": "on"}).status_code == 404
    )
    assert not UserTrack.objects.filter(user__email="bob@example.com").exists()


def test_it_rates_a_track_and_says_where_the_feel_came_from(
    alice: User, alice_client: Client
) -> None:
    track = get_or_create_track(TrackInfo("Erik Satie", "Gymnopédie No. 1"), alice)
    Listen.objects.create(user=alice, track=track, played_at=timezone.now(), source="test")
    page = alice_client.get(f"/music/tracks/{track.pk}/")
    assert "don't know how this one feels" in page.text
    response = alice_client.post(f"/music/tracks/{track.pk}/rate/", {"feel": "2,-3"}, follow=True)
    assert "Saved: somewhat pleasant, low energy." in response.text
    entry = UserTrack.objects.get(user=alice, track=track)
    assert (entry.feel_pleasantness, entry.feel_energy, entry.feel_source) == (2, -3, "rating")
    assert "This comes from your rating" in response.text
    alice_client.post(f"/music/tracks/{track.pk}/rate/", {"feel": "9,9"})
    assert UserTrack.objects.get(user=alice, track=track).rating_pleasantness == 2
    alice_client.post(f"/music/tracks/{track.pk}/rate/", {"clear": "1"})
    entry = UserTrack.objects.get(user=alice, track=track)
    assert entry.rating_pleasantness is None and entry.feel_source == FeelSource.UNKNOWN


def test_it_toggles_a_comfort_song(alice: User, alice_client: Client) -> None:
    track = _library(alice, 1)[0]
    response = alice_client.post(
        f"/music/tracks/{track.pk}/comfort/", {"comfort": "on"}, follow=True
    )
    assert "Added to your comfort songs." in response.text
    assert UserTrack.objects.get(user=alice, track=track).is_comfort
    assert "♥ comfort" in alice_client.get("/music/", {"comfort": "on"}).text
    alice_client.post(f"/music/tracks/{track.pk}/comfort/", {"comfort": "off"})
    assert not UserTrack.objects.get(user=alice, track=track).is_comfort


def test_it_exports_listens_as_formula_safe_csv(alice: User, alice_client: Client) -> None:
    track = get_or_create_track(TrackInfo("=cmd|' /C calc'!A0", "@SUM(A1)", album="+1"), alice)
    Listen.objects.create(
        user=alice,
        track=track,
        source="lastfm",
        ms_played=1000,
        played_at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    response = alice_client.get("/music/listens.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.splitlines() == [
        "played_at_utc,artist,title,album,ms_played,skipped,source,"
        "recording_mbid,spotify_uri,isrc,release_mbid,origin_url",
        "2024-01-02T03:04:05Z,'=cmd|' /C calc'!A0,'@SUM(A1),'+1,1000,no,lastfm,,,,,",
    ]


def test_it_uploads_a_file_and_shows_the_job(alice: User, alice_client: Client) -> None:
    upload = SimpleUploadedFile(
        "StreamingHistory_music_0.json",
        b'[{"endTime": "2021-06-01 07:30", "artistName": "A", "trackName": "B", '
        b'"msPlayed": 60000}]',
    )
    response = alice_client.post("/music/import/", {"kind": "spotify", "file": upload})
    job = ImportJob.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == f"/music/import/{job.pk}/"
    page = alice_client.get(f"/music/import/{job.pk}/")
    assert "Waiting for a worker" in page.text and "Refresh" in page.text
    partial = alice_client.get(f"/music/import/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in partial.text and "<h1>" not in partial.text
    from imports.jobs import run_job

    run_job(job.pk)
    done = alice_client.get(f"/music/import/{job.pk}/", headers={"HX-Request": "true"})
    assert "every 1s" not in done.text
    assert "Imported" in done.text and "See your music" in done.text


def test_it_refuses_an_empty_or_wrong_upload_with_a_message(alice_client: Client) -> None:
    response = alice_client.post(
        "/music/import/", {"kind": "spotify", "file": SimpleUploadedFile("x.json", b"")}
    )
    assert response.status_code == 400
    assert "The submitted file is empty." in response.text or "This file is empty." in response.text
    response = alice_client.post(
        "/music/import/", {"kind": "nope", "file": SimpleUploadedFile("x.json", b"[]")}
    )
    assert response.status_code == 400 and "Select a valid choice" in response.text


def test_it_refuses_an_upload_over_the_limit(alice_client: Client, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.json", b"[" + b" " * 4000 + b"]")
    response = alice_client.post("/music/import/", {"kind": "spotify", "file": upload})
    assert response.status_code == 413
    assert not ImportJob.objects.exists()


def test_it_gives_a_clear_form_error_when_the_file_alone_is_too_big(
    alice_client: Client, settings
) -> None:
    from music.forms import ImportForm

    settings.MAX_UPLOAD_BYTES = 100
    form = ImportForm({"kind": "spotify"}, {"file": SimpleUploadedFile("big.json", b"[" * 200)})
    assert not form.is_valid()
    assert "larger than" in form.errors["file"][0]


def test_it_hides_other_peoples_jobs(alice: User, bob_client: Client) -> None:
    job = ImportJob.objects.create(user=alice, kind="spotify", file_name="x.json")
    assert bob_client.get(f"/music/import/{job.pk}/").status_code == 404


def test_it_files_nearly_neutral_feels_in_between(alice: User, alice_client: Client) -> None:
    tracks = _library(alice, 5)
    UserTrack.objects.filter(user=alice, track=tracks[4]).update(
        feel_pleasantness=0.4, feel_energy=-2.0, feel_source="checkins"
    )
    assert "Song 4" not in alice_client.get("/music/", {"quadrant": "green"}).text
    between = alice_client.get("/music/", {"quadrant": "neutral"}).text
    assert "Song 4" in between and "Feel: In between" in between
