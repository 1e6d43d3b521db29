"""Playlists you can play: every export carries the identifiers the imports and
the listening API brought, and the playlist page links out to them."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from accounts.models import User
from music.catalogue import TrackInfo, get_or_create_track
from music.imports.playlists_io import JSPF_TRACK_EXTENSION, parse_playlist
from music.models import Artist, Listen, Playlist, PlaylistItem, Track

MBID = "0d4e5ae6-d8b1-4d46-a4a0-6a5b4f1f3e6a"
ARTIST_MBID = "10adbe5e-a2c0-4bf3-8249-2b4cbf6e6ca8"
RELEASE_MBID = "8c9a1f1a-5d3c-4f4b-9a0e-0a1b2c3d4e5f"
SPOTIFY = "spotify:track:67Hna13dNDkZvBpTXRIaOJ"
ORIGIN = "https://www.youtube.com/watch?v=u7K72X4eo_s"
NS = {"x": "http://xspf.org/ns/0/"}


@pytest.fixture
def playlist(alice: User) -> Playlist:
    teardrop = get_or_create_track(
        TrackInfo(
            "Massive Attack", "Teardrop", mbid=MBID, spotify_uri=SPOTIFY, isrc="GBAAA9800012"
        ),
        alice,
    )
    Artist.objects.filter(pk=teardrop.artist_id).update(mbid=ARTIST_MBID)
    heard = get_or_create_track(TrackInfo("Portishead", "Roads"), alice)
    Listen.objects.create(
        user=alice,
        track=heard,
        played_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
        source="api",
        details={"origin_url": ORIGIN, "release_mbid": RELEASE_MBID},
    )
    unknown = get_or_create_track(TrackInfo("Nobody", "Unlinked Song", album="Demo"), alice)
    playlist = Playlist.objects.create(user=alice, name="Trip hop")
    for position, track in enumerate((teardrop, heard, unknown)):
        PlaylistItem.objects.create(playlist=playlist, track=track, position=position)
    return playlist


def export(client: Client, playlist: Playlist, fmt: str) -> str:
    response = client.get(f"/playlists/{playlist.pk}/export.{fmt}")
    assert response.status_code == 200
    return response.content.decode()


def test_xspf_carries_identifiers_and_locations(alice_client: Client, playlist: Playlist) -> None:
    root = ET.fromstring(export(alice_client, playlist, "xspf"))  # noqa: S314 - our own output
    tracks = root.findall("x:trackList/x:track", NS)
    ids = [[el.text for el in track.findall("x:identifier", NS)] for track in tracks]
    places = [[el.text for el in track.findall("x:location", NS)] for track in tracks]
    assert ids[0] == [
        f"https://musicbrainz.org/recording/{MBID}",
        "https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ",
        "urn:isrc:GBAAA9800012",
    ]
    assert places[0] == ["https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ"]
    assert ids[1] == [] and places[1] == [ORIGIN]
    assert ids[2] == [] and places[2] == []


def test_jspf_carries_identifiers_and_the_listenbrainz_extension(
    alice_client: Client, playlist: Playlist
) -> None:
    tracks = json.loads(export(alice_client, playlist, "jspf"))["playlist"]["track"]
    assert tracks[0]["identifier"][0] == f"https://musicbrainz.org/recording/{MBID}"
    assert tracks[0]["location"] == ["https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ"]
    extension = tracks[0]["extension"][JSPF_TRACK_EXTENSION]
    assert extension["artist_identifiers"] == [f"https://musicbrainz.org/artist/{ARTIST_MBID}"]
    assert extension["additional_metadata"]["isrc"] == "GBAAA9800012"
    assert tracks[1]["location"] == [ORIGIN]
    assert tracks[1]["extension"][JSPF_TRACK_EXTENSION]["release_identifier"] == (
        f"https://musicbrainz.org/release/{RELEASE_MBID}"
    )
    assert "identifier" not in tracks[2] and "location" not in tracks[2]


def test_m3u8_lines_are_uris_or_links_never_invented_files(
    alice_client: Client, playlist: Playlist
) -> None:
    text = export(alice_client, playlist, "m3u8")
    locations = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert locations == [SPOTIFY, ORIGIN]
    assert "#ATTUNE-NOLINK:-1,Nobody - Unlinked Song" in text
    assert ".mp3" not in text


@pytest.mark.parametrize("fmt", ["m3u8", "xspf", "jspf"])
def test_an_export_imports_back_matched_by_id(
    alice_client: Client, playlist: Playlist, fmt: str
) -> None:
    parsed = parse_playlist(export(alice_client, playlist, fmt).encode(), f"x.{fmt}")
    assert [entry.title for entry in parsed.entries] == ["Teardrop", "Roads", "Unlinked Song"]
    assert parsed.entries[0].ids.spotify_uri == SPOTIFY
    assert parsed.entries[1].ids.location == ORIGIN
    assert parsed.entries[2].album == "Demo"
    if fmt != "m3u8":
        assert parsed.entries[0].ids.mbid == MBID
        assert parsed.entries[0].ids.isrc == "GBAAA9800012"


def test_an_imported_xspf_matches_the_catalogue_by_id(
    alice: User, import_file: object, playlist: Playlist
) -> None:
    data = (
        '<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><title>T'
        "</title><trackList><track><identifier>https://musicbrainz.org/recording/"
        f"{MBID}</identifier><title>Teardrop (Remix)</title><creator>MA</creator></track>"
        "</trackList></playlist>"
    )
    job = import_file("playlist", data.encode(), "t.xspf")  # type: ignore[operator]
    assert job.status == "done"
    imported = Playlist.objects.get(user=alice, source="imported")
    assert [item.track.mbid for item in imported.items.all()] == [
        Track.objects.get(title="Teardrop").mbid
    ]


def test_the_playlist_page_links_out_when_ids_are_known(
    alice_client: Client, playlist: Playlist
) -> None:
    html = alice_client.get(f"/playlists/{playlist.pk}/").content.decode()
    assert 'href="https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ"' in html
    assert f'href="https://musicbrainz.org/recording/{MBID}"' in html
    assert f'href="https://listenbrainz.org/player/?recording_mbids={MBID}"' in html
    assert html.count("Open in ") == 1  # only the song whose ids are known
