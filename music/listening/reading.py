"""Reading listens back in ListenBrainz's shape: ``GET /1/user/<name>/listens``
and ``/playing-now``. Private: the views only call these for the token's own
user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, Min
from django.utils import timezone

from music.models import Listen, PlayingNow, Track

DEFAULT_COUNT = 25
MAX_COUNT = 100


def _spotify_url(uri: str | None) -> str | None:
    if uri and uri.startswith("spotify:track:"):
        return "https://open.spotify.com/track/" + uri.removeprefix("spotify:track:")
    return None


def track_metadata(track: Track, details: dict[str, Any] | None) -> dict[str, Any]:
    """Names from the catalogue; ids from the track, then as the listen sent them."""
    details = dict(details or {})
    release = details.pop("release_name", None) or track.album or None
    info: dict[str, Any] = {}
    if track.mbid:
        info["recording_mbid"] = str(track.mbid)
    if track.isrc:
        info["isrc"] = track.isrc
    if track.spotify_uri:
        info["spotify_id"] = _spotify_url(track.spotify_uri)
    if track.duration_ms:
        info["duration_ms"] = track.duration_ms
    for key, value in details.items():
        info.setdefault(key, value)
    meta: dict[str, Any] = {"artist_name": track.artist.name, "track_name": track.title}
    if release:
        meta["release_name"] = release
    if info:
        meta["additional_info"] = info
    return meta


def _ts(moment: dt.datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def listens(
    user_id: int,
    user_name: str,
    *,
    count: int = DEFAULT_COUNT,
    min_ts: int | None = None,
    max_ts: int | None = None,
) -> dict[str, Any]:
    """Newest first; ``max_ts``/``min_ts`` are exclusive bounds, as ListenBrainz."""
    rows = Listen.objects.filter(user_id=user_id).select_related("track__artist")
    if max_ts is not None:
        rows = rows.filter(played_at__lt=dt.datetime.fromtimestamp(max_ts, tz=dt.UTC))
    if min_ts is not None:
        rows = rows.filter(played_at__gt=dt.datetime.fromtimestamp(min_ts, tz=dt.UTC))
    # With only min_ts ListenBrainz returns the listens just after it, oldest
    # of those first fetched, then newest first.
    if min_ts is not None and max_ts is None:
        chosen = list(rows.order_by("played_at")[:count])[::-1]
    else:
        chosen = list(rows.order_by("-played_at")[:count])
    span = Listen.objects.filter(user_id=user_id).aggregate(
        latest=Max("played_at"), oldest=Min("played_at")
    )
    return {
        "payload": {
            "count": len(chosen),
            "latest_listen_ts": _ts(span["latest"]),
            "oldest_listen_ts": _ts(span["oldest"]),
            "user_id": user_name,
            "listens": [
                {
                    "listened_at": _ts(listen.played_at),
                    "user_name": user_name,
                    "track_metadata": track_metadata(listen.track, listen.details),
                }
                for listen in chosen
            ],
        }
    }


def current(user_id: int) -> PlayingNow | None:
    """What is playing now, if it has not run out."""
    return (
        PlayingNow.objects.filter(user_id=user_id, expires_at__gt=timezone.now())
        .select_related("track__artist")
        .first()
    )


def playing_now(user_id: int, user_name: str) -> dict[str, Any]:
    playing = current(user_id)
    listens = []
    if playing:
        listens = [
            {
                "playing_now": True,
                "user_name": user_name,
                "track_metadata": track_metadata(playing.track, playing.details),
            }
        ]
    return {
        "payload": {
            "count": len(listens),
            "user_id": user_name,
            "playing_now": True,
            "listens": listens,
        }
    }
