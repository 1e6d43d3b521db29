"""A song's check-ins, for the pages and the music code that need them.

`CheckinMoments` is what music reads through music.moments (registered in
JournalConfig.ready), so music never imports journal. `checkins_with_track`
is the selector the track page (journal/views/tracks.py) shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from mood.values import Mood
from music.models import Track
from music.moments import Point


class CheckinMoments:
    def track_links(self, user_id: int, *, live: bool = True) -> QuerySet[Any]:
        links = CheckInTrack.objects.filter(checkin__user_id=user_id)
        if live:
            links = links.filter(checkin__deleted_at__isnull=True)
        return links.annotate(
            link_pleasantness=Coalesce("pleasantness", "checkin__pleasantness"),
            link_energy=Coalesce("energy", "checkin__energy"),
        )

    def latest_mood(self, user_id: int) -> Point | None:
        checkin = (
            CheckIn.objects.filter(user_id=user_id).live().only("pleasantness", "energy").first()
        )
        if checkin is None:
            return None
        return (float(checkin.pleasantness), float(checkin.energy))

    def tracks_tagged(self, user_id: int, tag_names: Iterable[str]) -> set[int]:
        named = Q()
        for name in tag_names:
            named |= Q(checkin__tags__name__iexact=name)
        return set(
            CheckInTrack.objects.filter(
                named, checkin__user_id=user_id, checkin__deleted_at__isnull=True
            )
            .values_list("track_id", flat=True)
            .distinct()
        )


def checkins_with_track(user: User, track: Track, limit: int) -> list[CheckInTrack]:
    """The user's latest live check-ins with this song, newest first, each with
    `shown_mood`: how the song felt there (its own feel, else the check-in's)."""
    links = list(
        CheckInTrack.objects.filter(
            track=track, checkin__user=user, checkin__deleted_at__isnull=True
        )
        .select_related("checkin")
        .order_by("-checkin__felt_at")[:limit]
    )
    for link in links:
        link.shown_mood = Mood(  # type: ignore[attr-defined]
            link.pleasantness if link.pleasantness is not None else link.checkin.pleasantness,
            link.energy if link.energy is not None else link.checkin.energy,
        )
    return links
