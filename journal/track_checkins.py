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
from journal.listening import heard_by_users
from journal.models import CheckIn, CheckInTrack
from mood.values import Mood
from music.models import Track
from music.moments import Point


class CheckinMoments:
    def heard_moods(self, user_id: int) -> dict[int, tuple[float, float, int]]:
        sums: dict[int, list[float]] = {}
        for _user, row in heard_by_users([user_id]):
            total = sums.setdefault(row.track_id, [0.0, 0.0, 0])
            total[0] += row.pleasantness
            total[1] += row.energy
            total[2] += 1
        return {
            track: (round(p / n, 2), round(e / n, 2), int(n)) for track, (p, e, n) in sums.items()
        }

    def users_with_checkins_changed_since(self, moment: Any) -> set[int]:
        changed = CheckIn.objects.filter(Q(updated_at__gte=moment) | Q(deleted_at__gte=moment))
        return set(changed.values_list("user_id", flat=True).distinct())

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
