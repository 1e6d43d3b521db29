"""Per-user truth over the catalogue (issue 19, acceptance 2; docs/catalogue-per-user.md).

Bob goes first, the way the adversarial pass did: he types a hostile song on a
check-in, imports an archive that claims Alice's real Spotify URI, MusicBrainz
id and ISRC under a hostile title and another album, and sends listens through
the /1/ API. Then Alice imports her Spotify and ListenBrainz history and a
playlist, checks in with her song and rates it. Everything Alice sees or can
fetch shows only her own titles and albums and nothing of Bob's listening; Bob's
later sends change no row of hers; and the same holds the other way round.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from journal.models import CheckInTrack
from music.listening.tokens import token_for
from music.models import Artist, Listen, Playlist, Track
from tests.archive_upload import post_archive
from tests.factories import snapshot
from tests.music.conftest import Importer

pytestmark = pytest.mark.django_db

CREEP_URI = "spotify:track:70LcF31zb1H0PyJoS1Sx1r"
CREEP_MBID = "5b7f2a6e-8f0e-4d3b-9a5c-3a1b2c3d4e5f"
CREEP_ISRC = "GBAYE9200070"
HOSTILE_TYPED = "Radiohead – Creep (feat. CALL +1-555-0100 for a prize)"
HOSTILE_TITLE = "<b>Phish</b> visit evil.example"
BOBS_ALBUM = "Bob's Bootleg Tapes"
BOBS_SECRET = "Songs Bob Sings Alone"
# Nothing of Bob's may reach Alice: his typed text, his archive's names, his
# album, his API listens.
BOBS_WORDS = ("CALL", "555-0100", "Phish", "evil.example", "Bootleg", BOBS_SECRET)
# Nothing of Alice's may reach Bob: her albums and the songs only she has.
ALICES_WORDS = ("Pablo Honey", "Menagerie", "Lovely Day", "Bill Withers", "Sunday Songs")
NOW = int(time.time()) - 600


def spotify_history() -> bytes:
    def play(ts: str, artist: str, title: str, album: str, uri: str) -> dict[str, object]:
        return {
            "ts": ts,
            "ms_played": 238_000,
            "master_metadata_track_name": title,
            "master_metadata_album_artist_name": artist,
            "master_metadata_album_album_name": album,
            "spotify_track_uri": uri,
            "skipped": False,
            "incognito_mode": False,
        }

    return json.dumps(
        [
            play("2025-03-01T08:04:00Z", "Radiohead", "Creep", "Pablo Honey", CREEP_URI),
            play("2025-03-02T08:04:00Z", "Radiohead", "Creep", "Pablo Honey", CREEP_URI),
            play(
                "2025-03-03T08:04:00Z",
                "Bill Withers",
                "Lovely Day",
                "Menagerie",
                "spotify:track:0bRXwKfigvpKZUurwqAlEh",
            ),
        ]
    ).encode()


def listenbrainz_history() -> bytes:
    line = {
        "listened_at": 1741000000,
        "track_metadata": {
            "artist_name": "Radiohead",
            "track_name": "Creep",
            "release_name": "Pablo Honey",
            "additional_info": {"isrc": CREEP_ISRC, "spotify_id": CREEP_URI},
            "mbid_mapping": {"recording_mbid": CREEP_MBID},
        },
    }
    return json.dumps(line).encode() + b"\n"


def hostile_archive() -> bytes:
    """An archive claiming Alice's real ids under Bob's names."""
    return json.dumps(
        {
            "format": "attune-archive",
            "version": 1,
            "tracks": [
                {
                    "ref": 1,
                    "artist": "Radiohead",
                    "title": HOSTILE_TITLE,
                    "album": BOBS_ALBUM,
                    "duration_ms": 238_000,
                    "mbid": CREEP_MBID,
                    "spotify_uri": CREEP_URI,
                    "isrc": CREEP_ISRC,
                    "tags": "evil.example, party",
                    "bpm": 200,
                }
            ],
            "listens": [
                {"track": 1, "played_at": "2025-03-01T08:00:10+00:00", "source": "spotify"},
            ],
            "user_tracks": [{"track": 1, "play_count": 99, "is_comfort": True}],
        }
    ).encode()


def submit(client: Client, token: str, listens: list[dict[str, object]], kind: str) -> None:
    response = client.post(
        "/1/submit-listens",
        json.dumps({"listen_type": kind, "payload": listens}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 200, response.content


def api_listen(title: str, at: int | None, **ids: str) -> dict[str, object]:
    listen: dict[str, object] = {
        "track_metadata": {
            "artist_name": "Radiohead",
            "track_name": title,
            "release_name": BOBS_ALBUM,
            "additional_info": ids,
        }
    }
    if at is not None:
        listen["listened_at"] = at
    return listen


def bob_goes_first(bob: User, bob_client: Client) -> None:
    response = bob_client.post(
        reverse("journal:home"), {"mood": "-1,2", "track": HOSTILE_TYPED}, follow=True
    )
    assert response.status_code == 200
    assert CheckInTrack.objects.filter(checkin__user=bob).exists()
    upload = SimpleUploadedFile("attune-export.json", hostile_archive(), "application/json")
    assert post_archive(bob_client, upload).status_code == 200
    assert Track.objects.filter(owner=bob, title=HOSTILE_TITLE).exists()
    token = token_for(bob).key
    ids = {"spotify_id": CREEP_URI, "recording_mbid": CREEP_MBID, "isrc": CREEP_ISRC}
    submit(bob_client, token, [api_listen(HOSTILE_TITLE, NOW - 4000, **ids)], "single")
    submit(bob_client, token, [api_listen(BOBS_SECRET, NOW - 3000)], "single")


def alice_imports_and_checks_in(alice: User, alice_client: Client, import_file: Importer) -> None:
    for kind, data, name in (
        ("spotify", spotify_history(), "Streaming_History_Audio_2025.json"),
        ("listenbrainz", listenbrainz_history(), "listens.jsonl"),
        (
            "playlist",
            b"#EXTM3U\n#EXTINF:238,Radiohead - Creep\n#EXTALB:Pablo Honey\n"
            + CREEP_URI.encode()
            + b"\n#EXTINF:254,Bill Withers - Lovely Day\n#EXTALB:Menagerie\n"
            b"spotify:track:0bRXwKfigvpKZUurwqAlEh\n",
            "Sunday Songs.m3u8",
        ),
    ):
        job = import_file(kind, data, name, user=alice)
        assert job.status == job.Status.DONE, job.message
    creep = Track.objects.get(owner=alice, spotify_uri=CREEP_URI)
    response = alice_client.post(
        reverse("journal:home"),
        {"mood": "2,1", "track": "Creep", "track_id": str(creep.pk)},
        follow=True,
    )
    assert response.status_code == 200
    assert CheckInTrack.objects.filter(checkin__user=alice, track=creep).exists()
    alice_client.post(f"/music/tracks/{creep.pk}/rate/", {"feel": "2,1"})


def pages(user: User, client: Client) -> Iterable[tuple[str, str]]:
    """(url, text) of every page, export and API answer that shows the user's music."""
    urls = [
        "/",
        "/music/",
        "/music/?q=creep",
        "/music/listens.csv",
        "/history/",
        "/history/insights/",
        f"/history/{timezone.now().year}/review/",
        "/playlists/",
        "/settings/export.json",
        "/settings/export.csv",
        reverse("journal:track_suggestions") + "?track=creep",
        reverse("journal:track_suggestions") + "?track=radiohead",
    ]
    urls += [
        f"/music/tracks/{pk}/"
        for pk in Track.objects.filter(owner=user).values_list("pk", flat=True)
    ]
    for playlist in Playlist.objects.filter(user=user):
        urls.append(f"/playlists/{playlist.pk}/")
        urls += [f"/playlists/{playlist.pk}/export.{fmt}" for fmt in ("m3u8", "xspf", "jspf")]
    for url in urls:
        response = client.get(url, headers={"HX-Request": "true"} if "songs" in url else {})
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        yield url, body.decode()
    token = token_for(user)
    api = client.get(
        f"/1/user/{token.user_name}/listens", headers={"Authorization": f"Token {token.key}"}
    )
    assert api.status_code == 200
    yield "/1/ listens", api.content.decode()


def assert_nothing_of(words: Iterable[str], user: User, client: Client) -> int:
    seen = 0
    for url, text in pages(user, client):
        leaked = [word for word in words if word.casefold() in text.casefold()]
        assert not leaked, f"{url} shows {leaked}"
        seen += 1
    return seen


def test_nothing_one_user_does_changes_what_the_other_sees(
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    import_file: Importer,
) -> None:
    bob_goes_first(bob, bob_client)
    alice_imports_and_checks_in(alice, alice_client, import_file)

    # Alice's catalogue is her own text: her titles, her artists, her albums.
    mine = Track.objects.filter(owner=alice).select_related("artist")
    assert {(t.artist.name, t.title, t.album) for t in mine} == {
        ("Radiohead", "Creep", "Pablo Honey"),
        ("Bill Withers", "Lovely Day", "Menagerie"),
    }
    creep = mine.get(title="Creep")
    assert (creep.spotify_uri, str(creep.mbid), creep.isrc) == (CREEP_URI, CREEP_MBID, CREEP_ISRC)
    assert (creep.bpm, creep.tags) == (None, "")  # the archive's extras stayed Bob's
    assert not Listen.objects.filter(user=alice).exclude(track__owner=alice).exists()
    assert not Artist.objects.filter(owner=alice, name__icontains="CALL").exists()

    # Every page, export and API answer of Alice's: her songs, nothing of Bob's.
    library = alice_client.get("/music/").content.decode()
    assert "Creep" in library and "Lovely Day" in library
    track_page = alice_client.get(f"/music/tracks/{creep.pk}/").content.decode()
    assert "Pablo Honey" in track_page
    assert assert_nothing_of(BOBS_WORDS, alice, alice_client) >= 17

    # Bob sends more with Alice's ids and names: not one row of hers changes.
    before = snapshot(alice)
    bob_goes_first(bob, bob_client)
    token = token_for(bob).key
    ids = {"spotify_id": CREEP_URI, "recording_mbid": CREEP_MBID, "isrc": CREEP_ISRC}
    submit(bob_client, token, [api_listen("Creep", None, **ids)], "playing_now")
    submit(bob_client, token, [api_listen("Lovely Day", NOW - 100, **ids)], "import")
    assert snapshot(alice) == before

    # Bob cannot reach Alice's songs by id: not their pages, not as a check-in's song,
    # not as a history filter.
    for track in mine:
        for url in (f"/music/tracks/{track.pk}/", f"/music/tracks/{track.pk}/rate/"):
            assert bob_client.get(url).status_code in (404, 405)
        assert (
            bob_client.post(f"/music/tracks/{track.pk}/comfort/", {"comfort": "on"}).status_code
            == 404
        )
        refused = bob_client.post(
            reverse("journal:home"), {"mood": "1,1", "track": "", "track_id": str(track.pk)}
        )
        assert "find that song" in refused.content.decode()
        history = bob_client.get("/history/", {"track": track.pk}).content.decode()
        assert "not in your check-ins" in history
    assert not CheckInTrack.objects.filter(checkin__user=bob, track__owner=alice).exists()
    suggestions = bob_client.get(
        reverse("journal:track_suggestions"), {"track": "creep"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert str(creep.pk) not in suggestions

    # And the other way round: Bob sees his own text, and nothing of Alice's.
    bobs = Track.objects.filter(owner=bob)
    assert {t.title for t in bobs} >= {"Creep (feat. CALL +1-555-0100 for a prize)", HOSTILE_TITLE}
    assert assert_nothing_of(ALICES_WORDS, bob, bob_client) >= 15
    for track in bobs:
        assert alice_client.get(f"/music/tracks/{track.pk}/").status_code == 404


def test_one_users_dedup_still_works_within_their_own_songs(
    alice: User, bob: User, import_file: Importer
) -> None:
    """Within one user the catalogue still folds the same song together across
    sources (docs/import-dedup.md); across users it never does."""
    for user in (alice, bob):
        import_file("spotify", spotify_history(), "Streaming_History_Audio_2025.json", user=user)
        import_file("listenbrainz", listenbrainz_history(), "listens.jsonl", user=user)
    for user in (alice, bob):
        tracks = Track.objects.filter(owner=user)
        assert tracks.count() == 2  # Creep from both sources is one track
        creep = tracks.get(title="Creep")
        assert (creep.spotify_uri, str(creep.mbid)) == (CREEP_URI, CREEP_MBID)  # filled in
        # Spotify's two plays, and ListenBrainz's (no Spotify play within 3 minutes).
        assert Listen.objects.filter(user=user, track=creep).count() == 3
    assert (
        not Track.objects.filter(owner=alice)
        .filter(pk__in=Track.objects.filter(owner=bob).values("pk"))
        .exists()
    )


def test_an_archive_fills_in_only_its_importers_own_rows(
    alice: User, bob: User, import_file: Importer, bob_client: Client
) -> None:
    import_file("listenbrainz", listenbrainz_history(), "listens.jsonl", user=alice)
    creep = Track.objects.get(owner=alice)
    before = (creep.title, creep.album, creep.bpm, creep.tags, creep.duration_ms)
    upload = SimpleUploadedFile("attune-export.json", hostile_archive(), "application/json")
    post_archive(bob_client, upload)
    creep.refresh_from_db()
    assert (creep.title, creep.album, creep.bpm, creep.tags, creep.duration_ms) == before
    bobs = Track.objects.get(owner=bob)
    assert (bobs.title, bobs.album, bobs.bpm) == (HOSTILE_TITLE, BOBS_ALBUM, 200)
    assert Listen.objects.filter(user=bob, track=bobs).count() == 1
    assert bobs.listens.filter(user=alice).count() == 0
    assert dt.datetime(2025, 3, 1, 8, 0, 10, tzinfo=dt.UTC) in set(
        bobs.listens.values_list("played_at", flat=True)
    )
