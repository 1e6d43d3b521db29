"""The user's music library: listing, a track's page data, rating and comfort songs."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from mood.values import Mood, Quadrant
from music.feel import recompute_feel
from music.models import Listen, Track, UserTrack
from music.moments import moments

SORTS: dict[str, tuple[str, list[Any]]] = {
    "plays": ("Most played", [F("play_count").desc(), "track__title", "pk"]),
    "recent": (
        "Last played",
        [F("last_played_at").desc(nulls_last=True), "track__title", "pk"],
    ),
    "feel": (
        "Feel (most pleasant first)",
        [
            F("feel_pleasantness").desc(nulls_last=True),
            F("feel_energy").desc(nulls_last=True),
            "track__title",
            "pk",
        ],
    ),
    "title": ("Title", ["track__title", "pk"]),
}
# An estimated feel within half a step of a middle line counts as on it, the
# same rule as the badges (music/templatetags/music_feel.py).
_HALF = 0.5
QUADRANT_FILTERS = {
    Quadrant.YELLOW: Q(feel_pleasantness__gte=_HALF, feel_energy__gte=_HALF),
    Quadrant.RED: Q(feel_pleasantness__lte=-_HALF, feel_energy__gte=_HALF),
    Quadrant.BLUE: Q(feel_pleasantness__lte=-_HALF, feel_energy__lte=-_HALF),
    Quadrant.GREEN: Q(feel_pleasantness__gte=_HALF, feel_energy__lte=-_HALF),
    Quadrant.NEUTRAL: Q(feel_pleasantness__gt=-_HALF, feel_pleasantness__lt=_HALF)
    | Q(feel_energy__gt=-_HALF, feel_energy__lt=_HALF),
}


def library(
    user: User, *, query: str = "", sort: str = "plays", quadrant: str = "", comfort: bool = False
) -> QuerySet[UserTrack]:
    tracks = UserTrack.objects.filter(user=user).select_related("track__artist")
    if query:
        tracks = tracks.filter(
            Q(track__title__icontains=query)
            | Q(track__artist__name__icontains=query)
            | Q(track__album__icontains=query)
        )
    if quadrant in QUADRANT_FILTERS:
        tracks = tracks.filter(QUADRANT_FILTERS[Quadrant(quadrant)])
    elif quadrant == "unknown":
        tracks = tracks.filter(feel_pleasantness__isnull=True)
    if comfort:
        tracks = tracks.filter(is_comfort=True)
    return tracks.order_by(*SORTS.get(sort, SORTS["plays"])[1])


def visible_tracks(user: User) -> QuerySet[Track]:
    """The user's own tracks (every track has one owner, docs/catalogue-per-user.md)
    that they have something with: a library entry, a listen or a check-in.
    Nobody else's track is theirs to look at, whatever its id."""
    return Track.objects.filter(owner=user).filter(
        Exists(UserTrack.objects.filter(user=user, track=OuterRef("pk")))
        | Exists(Listen.objects.filter(user=user, track=OuterRef("pk")))
        | Exists(moments().track_links(user.pk, live=False).filter(track_id=OuterRef("pk")))
    )


def track_for(user: User, pk: int) -> Track:
    track = visible_tracks(user).select_related("artist").filter(pk=pk).first()
    if track is None:
        raise Http404("No such track in your library.")
    return track


def user_track(user: User, track: Track) -> UserTrack:
    entry, _ = UserTrack.objects.get_or_create(user=user, track=track)
    return entry


def rate(user: User, track: Track, pleasantness: int | None, energy: int | None) -> UserTrack:
    """Set (or clear, with None) the user's own feel for a track."""
    UserTrack.objects.bulk_create([UserTrack(user=user, track=track)], ignore_conflicts=True)
    UserTrack.objects.filter(user=user, track=track).update(
        rating_pleasantness=pleasantness,
        rating_energy=energy,
        rated_at=timezone.now() if pleasantness is not None else None,
    )
    recompute_feel(user, [track.pk])
    return UserTrack.objects.get(user=user, track=track)


def set_comfort(user: User, track: Track, is_comfort: bool) -> None:
    UserTrack.objects.bulk_create([UserTrack(user=user, track=track)], ignore_conflicts=True)
    UserTrack.objects.filter(user=user, track=track).update(is_comfort=is_comfort)


@dataclass
class MonthBar:
    month: dt.date
    plays: int
    height: float
    x: int

    @property
    def y(self) -> float:
        return round(100 - self.height, 1)


def listens_by_month(user: User, track: Track, months: int = 12) -> list[MonthBar]:
    """Plays per month over the last `months` months (in the user's zone), one query."""
    zone = user.zone
    today = timezone.now().astimezone(zone).date()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    counts = {
        row["month"].date(): row["plays"]
        for row in Listen.objects.filter(user=user, track=track, played_at__gte=since)
        .annotate(month=TruncMonth("played_at", tzinfo=zone))
        .values("month")
        .annotate(plays=Count("id"))
        .order_by()
    }
    bars = []
    month = first
    peak = max(counts.values(), default=0) or 1
    for index in range(months):
        plays = counts.get(month, 0)
        bars.append(MonthBar(month, plays, round(100 * plays / peak, 1), index * 24))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return bars


LISTENS_SHOWN = 10


def nearest(value: float) -> int:
    """The nearest grid step, halves away from the middle (as the badges do)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def track_page(user: User, track: Track) -> dict[str, Any]:
    """The music part of a track's page: the user's entry, feel and rating,
    their latest listens and plays by month. (The check-ins with the song are
    journal's part, added by journal/views/tracks.py.)"""
    entry = UserTrack.objects.filter(user=user, track=track).first()
    listens = list(
        Listen.objects.filter(user=user, track=track).order_by("-played_at")[:LISTENS_SHOWN]
    )
    bars = listens_by_month(user, track)
    feel = None
    if entry and entry.feel_pleasantness is not None and entry.feel_energy is not None:
        feel = Mood(nearest(entry.feel_pleasantness), nearest(entry.feel_energy))
    rating = ""
    if entry and entry.rating_pleasantness is not None:
        rating = f"{entry.rating_pleasantness},{entry.rating_energy}"
    return {
        "track": track,
        "entry": entry,
        "feel": feel,
        "rating": rating,
        "listens": listens,
        "bars": bars,
        "bar_peak": max((bar.plays for bar in bars), default=0),
    }
