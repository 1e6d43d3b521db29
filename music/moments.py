"""The check-ins music reads but does not own.

A song's feel, the playlists' start and their "shared moments" bonus depend on
the user's check-ins, which belong to journal, a layer above music. Music never
imports journal: journal registers a `Moments` source here when it starts
(JournalConfig.ready) and music asks that source. See docs/mood-core.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

Point = tuple[float, float]


class Moments(Protocol):
    def track_links(self, user_id: int, *, live: bool = True) -> QuerySet[Any]:
        """One row per song attached to one of the user's check-ins (only
        those not waiting out an undo when `live`), with `track_id` and the
        song's mood in that moment as `link_pleasantness` and `link_energy`:
        its own feel when the user gave one, else the check-in's mood."""
        ...

    def latest_mood(self, user_id: int) -> Point | None:
        """The mood of the user's latest live check-in."""
        ...

    def tracks_tagged(self, user_id: int, tag_names: Iterable[str]) -> set[int]:
        """Songs attached to live check-ins carrying any of these tags (any case)."""
        ...

    def heard_moods(self, user_id: int) -> dict[int, tuple[float, float, int]]:
        """Songs heard in the listening window before the user's live check-ins
        (not attached to them): track id -> (mean pleasantness, mean energy,
        how many check-ins)."""
        ...

    def users_with_checkins_changed_since(self, moment: Any) -> set[int]:
        """Users with a check-in saved, changed or deleted at or after `moment`."""
        ...


_source: Moments | None = None


def register(source: Moments) -> None:
    global _source
    _source = source


def moments() -> Moments:
    if _source is None:
        raise ImproperlyConfigured(
            "No check-in source is registered with music.moments (journal registers "
            "one in JournalConfig.ready; is journal in INSTALLED_APPS?)."
        )
    return _source
