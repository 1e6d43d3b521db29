"""Building small music libraries for playlist tests."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, Tag
from music.catalogue import TrackInfo, get_or_create_track
from music.models import FeelSource, Track, UserTrack


def add_song(
    user: User,
    artist: str,
    title: str,
    feel: tuple[float, float] | None,
    *,
    plays: int = 0,
    comfort: bool = False,
    source: str = FeelSource.RATING,
) -> Track:
    track = get_or_create_track(TrackInfo(artist=artist, title=title, duration_ms=200_000), user)
    UserTrack.objects.create(
        user=user,
        track=track,
        feel_pleasantness=feel[0] if feel else None,
        feel_energy=feel[1] if feel else None,
        feel_source=source if feel else FeelSource.UNKNOWN,
        is_comfort=comfort,
        play_count=plays,
    )
    return track


NAMES = ["nine", "eight", "seven", "six", "five", "four", "three", "two", "one"]


def grid_library(user: User, step: int = 1, prefix: str = "") -> dict[tuple[int, int], Track]:
    """One song at every point of the grid (every `step`), each by its own artist."""
    songs = {}
    for p in range(-4, 5, step):
        for e in range(-4, 5, step):
            name = f"{NAMES[p + 4]} {NAMES[e + 4]}"
            songs[(p, e)] = add_song(user, f"{prefix}Artist {name}", f"Song {name}", (p, e))
    return songs


def check_in(
    user: User,
    pleasantness: int,
    energy: int,
    *,
    when: dt.datetime | None = None,
    tracks: list[Track] = (),  # type: ignore[assignment]
    tags: list[str] = (),  # type: ignore[assignment]
) -> CheckIn:
    when = when or dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    checkin = CheckIn.objects.create(
        user=user,
        felt_at=when,
        local_date=when.date(),
        time_zone=user.time_zone,
        pleasantness=pleasantness,
        energy=energy,
    )
    for position, track in enumerate(tracks):
        CheckInTrack.objects.create(checkin=checkin, track=track, position=position)
    if tags:
        checkin.tags.set(Tag.objects.filter(user=user, name__in=tags))
    return checkin
