"""A song's feel from what the person was listening to around their check-ins.

A song heard in the half hour before a check-in (journal/listening.py's
window, not attached to it) takes that check-in's mood; its mean over every
such check-in is the song's *heard* feel (``UserTrack.heard_*``), a source
below the person's rating and the check-ins they attached it to, above its
tags (music/feel.py).

It is refreshed in the background, not on the check-in request (a measured hot
path): a beat task every few minutes finds the people with a check-in saved,
changed or deleted, or new listens, since its last pass (``HeardFeelMark``)
and recomputes their heard feel in a fixed number of statements each. A new
check-in's songs show it within that interval. Considered: refreshing on every
check-in save (a window join on the hot path), and a dirty-flag table written
by every check-in (one more statement per request).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from music.feel import recompute_feel
from music.models import HeardFeelMark, Listen, UserTrack
from music.moments import moments


def refresh_user(user_id: int) -> int:
    """Recompute one person's heard feel; returns how many songs changed."""
    heard = moments().heard_moods(user_id)
    before = dict(
        UserTrack.objects.filter(user_id=user_id, heard_count__gt=0).values_list(
            "track_id", "heard_count"
        )
    )
    with transaction.atomic():
        UserTrack.objects.bulk_create(
            [UserTrack(user_id=user_id, track_id=pk) for pk in heard], ignore_conflicts=True
        )
        UserTrack.objects.filter(user_id=user_id, track_id__in=set(before) - set(heard)).update(
            heard_count=0, heard_pleasantness=None, heard_energy=None
        )
        rows = list(UserTrack.objects.filter(user_id=user_id, track_id__in=list(heard)))
        for row in rows:
            row.heard_pleasantness, row.heard_energy, row.heard_count = heard[row.track_id]
        UserTrack.objects.bulk_update(
            rows, ["heard_pleasantness", "heard_energy", "heard_count"], batch_size=500
        )
        changed = set(before) | set(heard)
        recompute_feel(user_id, changed)
    return len(changed)


def refresh_changed(now: dt.datetime | None = None) -> int:
    """One pass: refresh everyone whose check-ins or listens changed since the
    last pass. Returns how many people were refreshed."""
    now = now or timezone.now()
    mark = HeardFeelMark.objects.order_by("pk").first() or HeardFeelMark(
        ran_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), listen_id=0
    )
    newest_listen = Listen.objects.aggregate(top=Max("pk"))["top"] or 0
    users = moments().users_with_checkins_changed_since(mark.ran_at)
    users |= set(
        Listen.objects.filter(pk__gt=mark.listen_id, pk__lte=newest_listen)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in sorted(users):
        refresh_user(user_id)
    mark.ran_at, mark.listen_id = now, newest_listen
    mark.save()
    return len(users)
