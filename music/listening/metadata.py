"""A ListenBrainz ``track_metadata`` object as a catalogue TrackInfo plus the
details kept on the listen. Shared by the ListenBrainz export importer and the
listening API, so a listen arrives the same way by either road."""

from __future__ import annotations

import re
from typing import Any

from music.catalogue import TrackInfo
from music.imports.listens import clean, valid_mbid

SPOTIFY_ID = re.compile(r"^(?:https://open\.spotify\.com/track/|spotify:track:)([A-Za-z0-9]{22})")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
# additional_info keys kept on the listen as sent (Listen.details).
DETAIL_KEYS = (
    "recording_mbid",
    "release_mbid",
    "artist_mbids",
    "isrc",
    "spotify_id",
    "media_player",
    "media_player_version",
    "submission_client",
    "submission_client_version",
    "music_service",
    "music_service_name",
    "origin_url",
)


# Each detail key with what it holds, worked out once (details() runs per listen).
_DETAIL_KINDS = tuple(
    (key, "mbids" if key.endswith("_mbids") else "mbid" if key.endswith("_mbid") else "text")
    for key in DETAIL_KEYS
)


def number(value: Any) -> int | None:
    try:
        result = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return result if 0 < result < 2**31 else None


def duration_ms(info: dict[str, Any]) -> int | None:
    found = number(info.get("duration_ms"))
    if found is None and number(info.get("duration")):
        seconds = number(info.get("duration")) or 0
        found = seconds * 1000 if seconds * 1000 < 2**31 else None
    return found


def spotify_uri(value: object) -> str | None:
    found = SPOTIFY_ID.match(str(value or ""))
    return f"spotify:track:{found.group(1)}" if found else None


def _object(meta: dict[str, Any], key: str) -> dict[str, Any]:
    value = meta.get(key)
    return value if isinstance(value, dict) else {}


def track_info(meta: dict[str, Any]) -> TrackInfo:
    info, mapping = _object(meta, "additional_info"), _object(meta, "mbid_mapping")
    isrc = clean(info.get("isrc"), 12).upper()
    return TrackInfo(
        artist=clean(meta.get("artist_name")),
        title=clean(meta.get("track_name")),
        album=clean(meta.get("release_name")),
        duration_ms=duration_ms(info),
        mbid=valid_mbid(mapping.get("recording_mbid") or info.get("recording_mbid")),
        spotify_uri=spotify_uri(info.get("spotify_id")),
        isrc=isrc if ISRC.match(isrc) else None,
    )


def details(meta: dict[str, Any]) -> dict[str, object] | None:
    """The listen's own details: its release and what additional_info carried
    (strings made storable, MBIDs checked), or None when there is nothing."""
    info = _object(meta, "additional_info")
    kept: dict[str, object] = {}
    release = clean(meta.get("release_name"))
    if release:
        kept["release_name"] = release
    for key, kind in _DETAIL_KINDS:
        value = info.get(key)
        if value is None:
            continue
        if kind == "mbids":
            mbids = [valid_mbid(v) for v in value] if isinstance(value, list) else []
            if any(mbids):
                kept[key] = [m for m in mbids if m]
        elif kind == "mbid":
            mbid = valid_mbid(value)
            if mbid:
                kept[key] = mbid
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text = clean(value, 2000)
            if text:
                kept[key] = text
    duration = duration_ms(info)
    if duration:
        kept["duration_ms"] = duration
    return kept or None
