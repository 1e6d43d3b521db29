"""The shared catalogue: find or create artists and tracks without duplicates.

Deduplication order: MusicBrainz recording id, Spotify URI, ISRC, then the
normalised artist + title (case, accents, punctuation, "feat." suffixes and
"- Remastered 2011" style suffixes folded away).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from music.models import Artist, Track

_SUFFIX = re.compile(
    r"\s*[\(\[-]\s*(?:\d{4}\s+)?"
    r"(?:remaster(?:ed)?|radio edit|single version|album version|mono|stereo)"
    r"(?:\s+\d{4})?(?:\s+version)?\s*[\)\]]?\s*$",
    re.IGNORECASE,
)
_FEAT = re.compile(r"\s*[\(\[]?\s*(?:feat\.?|ft\.?|featuring)\s+[^\)\]]*[\)\]]?\s*$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
TRACK_SEPARATORS = (" – ", " — ", " - ", " —", "– ", " -", "- ", "–", "—")


def normalise(text: str) -> str:
    """A key for comparing names: lower case, no accents or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()[:300]


def title_key(title: str) -> str:
    stripped = _FEAT.sub("", _SUFFIX.sub("", title.strip()))
    return normalise(stripped or title)


def artist_key(name: str) -> str:
    return normalise(name)


def split_artist_title(text: str) -> tuple[str, str] | None:
    """Parse 'Artist – Title' (en dash, em dash or hyphen)."""
    for separator in TRACK_SEPARATORS:
        if separator in text:
            artist, _, title = text.partition(separator)
            if artist.strip() and title.strip():
                return artist.strip(), title.strip()
    return None


@dataclass
class TrackInfo:
    artist: str
    title: str
    album: str = ""
    duration_ms: int | None = None
    mbid: str | None = None
    spotify_uri: str | None = None
    isrc: str | None = None


def get_or_create_artist(name: str) -> Artist:
    key = artist_key(name) or name.strip().casefold()
    artist = Artist.objects.filter(name_key=key).first()
    if artist:
        return artist
    try:
        with transaction.atomic():
            return Artist.objects.create(name=name.strip()[:300], name_key=key)
    except IntegrityError:
        return Artist.objects.get(name_key=key)


def find_track(info: TrackInfo) -> Track | None:
    if info.mbid:
        found = Track.objects.filter(mbid=info.mbid).first()
        if found:
            return found
    if info.spotify_uri:
        found = Track.objects.filter(spotify_uri=info.spotify_uri).first()
        if found:
            return found
    if info.isrc:
        found = Track.objects.filter(isrc=info.isrc).first()
        if found:
            return found
    return Track.objects.filter(
        artist__name_key=artist_key(info.artist), title_key=title_key(info.title)
    ).first()


def get_or_create_track(info: TrackInfo) -> Track:
    """Find the track by its ids or names, filling in ids it did not have yet."""
    track = find_track(info)
    if track is None:
        artist = get_or_create_artist(info.artist)
        try:
            with transaction.atomic():
                track = Track.objects.create(
                    artist=artist,
                    title=info.title.strip()[:300],
                    title_key=title_key(info.title),
                    album=info.album[:300],
                    duration_ms=info.duration_ms,
                    mbid=info.mbid or None,
                    spotify_uri=info.spotify_uri or None,
                    isrc=info.isrc or None,
                )
                return track
        except IntegrityError:
            track = find_track(info)
            if track is None:
                track = Track.objects.get(artist=artist, title_key=title_key(info.title))
    updates: dict[str, object] = {}
    for field in ("mbid", "spotify_uri", "isrc"):
        value = getattr(info, field)
        if value and not getattr(track, field):
            updates[field] = value
    if info.album and not track.album:
        updates["album"] = info.album[:300]
    if info.duration_ms and not track.duration_ms:
        updates["duration_ms"] = info.duration_ms
    if updates:
        try:
            with transaction.atomic():
                Track.objects.filter(pk=track.pk).update(**updates)
        except IntegrityError:
            pass  # another track already owns that id; keep the names match
    return track
