"""Erasing a person's music.

Their listens, ratings and playlists go with the user row (cascade), and so do
their tracks and artists: every one is theirs alone (`owner`,
docs/catalogue-per-user.md). journal.erasure still calls these around the
delete as a last sweep: a track among the ones their rows pointed at that is
somehow left with no row pointing at it would still say what they listened
to, so it goes too.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from accounts.models import User
from music.models import Artist, Listen, PlaylistItem, Track, UserTrack


def tracks_of(user: User) -> set[int]:
    """The tracks this person's music rows point at."""
    ids = set(Listen.objects.filter(user=user).values_list("track_id", flat=True))
    ids |= set(UserTrack.objects.filter(user=user).values_list("track_id", flat=True))
    ids |= set(PlaylistItem.objects.filter(playlist__user=user).values_list("track_id", flat=True))
    return ids


def _unreferenced(model: type[Model], ids: set[int]) -> QuerySet[Model]:
    """Rows of `model` among `ids` that no row of any model points at."""
    rows = model._default_manager.filter(pk__in=ids)
    for relation in model._meta.related_objects:
        related = relation.related_model
        field = relation.field
        if relation.many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr,attr-defined]
            target = next(
                f.attname
                for f in through._meta.fields
                if getattr(f, "related_model", None) is model and f.concrete
            )
            rows = rows.exclude(pk__in=through._default_manager.values(target))
        else:
            rows = rows.exclude(pk__in=related._default_manager.values(field.attname))  # type: ignore[union-attr]
    return rows


def delete_orphan_tracks(track_ids: set[int]) -> None:
    """Delete the tracks among `track_ids`, and their artists, nobody refers to."""
    orphans = _unreferenced(Track, track_ids)
    artist_ids = set(orphans.values_list("artist_id", flat=True))
    orphans.delete()
    _unreferenced(Artist, artist_ids).delete()
