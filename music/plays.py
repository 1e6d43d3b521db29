"""Per-user play statistics on UserTrack, refreshed set-based from Listen."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from music.models import Listen, UserTrack


def ensure_user_tracks(user: User, track_ids: Iterable[int]) -> None:
    UserTrack.objects.bulk_create(
        [UserTrack(user=user, track_id=pk) for pk in set(track_ids)], ignore_conflicts=True
    )


def refresh_plays(user: User, track_ids: Iterable[int]) -> None:
    """play_count (plays not skipped), ms_played_total and last_played_at for
    these tracks, in two statements whatever their number."""
    ids = list(set(track_ids))
    if not ids:
        return
    ensure_user_tracks(user, ids)
    listens = Listen.objects.filter(user=user, track_id=OuterRef("track_id")).order_by()
    stats = listens.values("track_id")

    def aggregate(expression: object) -> Subquery:
        return Subquery(stats.annotate(value=expression).values("value")[:1])  # type: ignore[arg-type]

    UserTrack.objects.filter(user=user, track_id__in=ids).update(
        play_count=Coalesce(aggregate(Count("id", filter=Q(skipped=False))), Value(0)),
        ms_played_total=Coalesce(aggregate(Sum("ms_played")), Value(0)),
        last_played_at=aggregate(Max("played_at")),
    )
