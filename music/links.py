"""Where a track can be found elsewhere: its identifiers as URLs and URNs, and
back again. Pure functions, no database, nothing fetched (the links are built
from ids the imports and the listening API brought).

- MusicBrainz recording: ``https://musicbrainz.org/recording/<mbid>``
- Spotify: ``spotify:track:<id>`` ⇄ ``https://open.spotify.com/track/<id>``
- ISRC: ``urn:isrc:<ISRC>`` (the URN form XSPF identifiers use)
- ListenBrainz plays a recording by its MusicBrainz id in its web player.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

MUSICBRAINZ_RECORDING = "https://musicbrainz.org/recording/"
MUSICBRAINZ_ARTIST = "https://musicbrainz.org/artist/"
MUSICBRAINZ_RELEASE = "https://musicbrainz.org/release/"
SPOTIFY_TRACK = "https://open.spotify.com/track/"
LISTENBRAINZ_PLAYER = "https://listenbrainz.org/player/?recording_mbids="
ISRC_URN = "urn:isrc:"

_SPOTIFY = re.compile(
    r"^(?:https?://open\.spotify\.com/(?:intl-[a-z-]+/)?track/|spotify:track:)([A-Za-z0-9]{22})"
)
_MB_RECORDING = re.compile(r"^https?://(?:beta\.)?musicbrainz\.org/recording/([0-9a-fA-F-]{36})")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


@dataclass
class Ids:
    """A track's identifiers, as far as they are known."""

    mbid: str | None = None
    spotify_uri: str | None = None
    isrc: str | None = None
    location: str | None = None  # a playable https:// URL the player reported

    def merge(self, other: Ids) -> None:
        for name in ("mbid", "spotify_uri", "isrc", "location"):
            if not getattr(self, name):
                setattr(self, name, getattr(other, name))


def spotify_url(spotify_uri: str | None) -> str | None:
    if spotify_uri and spotify_uri.startswith("spotify:track:"):
        return SPOTIFY_TRACK + spotify_uri.removeprefix("spotify:track:")
    return None


def musicbrainz_url(mbid: object) -> str | None:
    return f"{MUSICBRAINZ_RECORDING}{mbid}" if mbid else None


def listenbrainz_url(mbid: object) -> str | None:
    return f"{LISTENBRAINZ_PLAYER}{mbid}" if mbid else None


def is_playable_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith("https://") and len(value) <= 2000


def identifiers(ids: Ids) -> list[str]:
    """MusicBrainz recording URL, Spotify URL, ISRC URN: the ones known."""
    found = [musicbrainz_url(ids.mbid), spotify_url(ids.spotify_uri)]
    if ids.isrc:
        found.append(ISRC_URN + ids.isrc)
    return [value for value in found if value]


def locations(ids: Ids) -> list[str]:
    """URLs that play the track: Spotify's, then the one the player reported."""
    found = [spotify_url(ids.spotify_uri)]
    if is_playable_url(ids.location):
        found.append(ids.location)
    return list(dict.fromkeys(value for value in found if value))


def read(value: str) -> Ids:
    """The identifier or location a playlist file gave, understood."""
    value = value.strip()
    spotify = _SPOTIFY.match(value)
    if spotify:
        return Ids(spotify_uri=f"spotify:track:{spotify.group(1)}")
    recording = _MB_RECORDING.match(value)
    if recording:
        try:
            return Ids(mbid=str(uuid.UUID(recording.group(1))))
        except ValueError:
            return Ids()
    if value.lower().startswith(ISRC_URN):
        isrc = value[len(ISRC_URN) :].upper()
        return Ids(isrc=isrc) if _ISRC.match(isrc) else Ids()
    if is_playable_url(value):
        return Ids(location=value)
    return Ids()


def read_all(values: list[str]) -> Ids:
    ids = Ids()
    for value in values:
        ids.merge(read(value))
    return ids
