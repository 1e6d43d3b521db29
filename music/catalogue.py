"""Each user's catalogue: find or create their artists and tracks without duplicates.

Every artist and track belongs to one user (docs/catalogue-per-user.md): what
they typed or imported is what they see, and nothing another user sends can
create, fill in or rename it. Within one user's tracks the deduplication order
is: MusicBrainz recording id, Spotify URI, ISRC, then the normalised artist +
title (case, accents, punctuation, "feat." suffixes and "- Remastered 2011"
style suffixes folded away).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from music.models import Artist, Track

if TYPE_CHECKING:
    from accounts.models import User

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
    if not text.isascii():  # ASCII has no accents to take off (NFKD keeps it as it is)
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


def get_or_create_artist(name: str, owner: User | int) -> Artist:
    """The owner's artist with this name (by its normalised key), made if new."""
    owner_id = _owner_id(owner)
    key = artist_key(name) or name.strip().casefold()
    artist = Artist.objects.filter(owner_id=owner_id, name_key=key).first()
    if artist:
        return artist
    try:
        with transaction.atomic():
            return Artist.objects.create(owner_id=owner_id, name=name.strip()[:300], name_key=key)
    except IntegrityError:
        return Artist.objects.get(owner_id=owner_id, name_key=key)


def find_track(info: TrackInfo, owner: User | int) -> Track | None:
    """The owner's track for `info`: by its ids, then its names. Only the
    owner's own tracks are ever looked at."""
    mine = Track.objects.filter(owner_id=_owner_id(owner))
    if info.mbid:
        found = mine.filter(mbid=info.mbid).first()
        if found:
            return found
    if info.spotify_uri:
        found = mine.filter(spotify_uri=info.spotify_uri).first()
        if found:
            return found
    if info.isrc:
        found = mine.filter(isrc=info.isrc).order_by("-pk").first()
        if found:
            return found
    return mine.filter(
        artist__name_key=artist_key(info.artist) or info.artist.strip().casefold(),
        title_key=title_key(info.title),
    ).first()


def get_or_create_track(info: TrackInfo, owner: User | int) -> Track:
    """The owner's track for `info`, made from `info` if they have none yet.
    A track they have gets the ids and details it lacks from `info` (their own
    data, filling their own row); it is never renamed."""
    owner_id = _owner_id(owner)
    track = find_track(info, owner_id)
    if track is None:
        artist = get_or_create_artist(info.artist, owner_id)
        try:
            with transaction.atomic():
                return Track.objects.create(
                    owner_id=owner_id,
                    artist=artist,
                    title=info.title.strip()[:300],
                    title_key=title_key(info.title),
                    album=info.album[:300],
                    duration_ms=info.duration_ms,
                    mbid=info.mbid or None,
                    spotify_uri=info.spotify_uri or None,
                    isrc=info.isrc or None,
                )
        except IntegrityError:
            # Made at the same moment, or one of its ids is already on another
            # of the owner's tracks under other names: keep the names match.
            track = find_track(info, owner_id) or _by_names(info, artist)
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
            pass  # another of the owner's tracks has that id; keep the names match
    return track


def _by_names(info: TrackInfo, artist: Artist) -> Track:
    title = title_key(info.title)
    found = Track.objects.filter(artist=artist, title_key=title).first()
    if found is not None:
        return found
    # One of the ids belongs to another of the owner's tracks: this one without them.
    with transaction.atomic():
        return Track.objects.create(
            owner_id=artist.owner_id,
            artist=artist,
            title=info.title.strip()[:300],
            title_key=title,
            album=info.album[:300],
            duration_ms=info.duration_ms,
            isrc=info.isrc or None,
        )


def _owner_id(owner: User | int) -> int:
    return owner if isinstance(owner, int) else owner.pk
