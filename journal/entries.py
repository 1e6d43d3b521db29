"""One past entry in full, as History opens it: the whole note (line breaks
kept), its words, tags and songs, what was playing around then, and the day
attributes of its day. Also every entry of one day, for the calendar.

Three queries for an entry (the check-in with its details, the plays around
it, its day's attributes) and at most three for a day, whatever they hold.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from journal import checkins as checkin_rules
from journal import day_attributes
from journal.models import CheckIn, DayAttribute
from journal.timeline import details, with_details
from mood.values import Quadrant
from music.models import Listen

if TYPE_CHECKING:
    from accounts.models import User

# "Heard around then": plays from this long before a check-in to a little after.
BEFORE = dt.timedelta(minutes=90)
AFTER = dt.timedelta(minutes=30)
MAX_HEARD = 10


@dataclass(frozen=True)
class Heard:
    track_id: int
    title: str
    artist: str
    played_at: dt.datetime


@dataclass
class FullEntry:
    checkin: CheckIn
    local: dt.datetime  # the moment on the clock where it was made
    note: str
    words: list[dict[str, object]]
    tags: list[dict[str, object]]
    songs: list[dict[str, object]]
    heard: list[Heard] = field(default_factory=list)
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (label, "7.5 hours")
    deleted: bool = False  # in its undo window

    @property
    def quadrant(self) -> Quadrant:
        return self.checkin.quadrant

    @property
    def when(self) -> str:
        return f"{self.local:%A} {self.local.day} {self.local:%B %Y, %H:%M}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _attributes(values: dict[str, Decimal]) -> list[tuple[str, str]]:
    return [
        (spec.label, f"{day_attributes.show(values[kind])} {spec.unit}")
        for kind, spec in day_attributes.SPECS.items()
        if kind in values
    ]


def _full(checkin: CheckIn, heard: list[Heard], attributes: list[tuple[str, str]]) -> FullEntry:
    found = details(checkin)
    return FullEntry(
        checkin=checkin,
        local=checkin.felt_at.astimezone(_zone(checkin.time_zone)),
        note=checkin.note if checkin.note_ciphertext else "",
        words=found.words,
        tags=found.tags,
        songs=found.tracks,
        heard=heard,
        attributes=attributes,
        deleted=checkin.deleted_at is not None,
    )


def _heard(user: User, around: list[dt.datetime]) -> dict[dt.datetime, list[Heard]]:
    """Plays around each moment in `around` (one query)."""
    if not around:
        return {}
    window = Q()
    for moment in around:
        window |= Q(played_at__gte=moment - BEFORE, played_at__lte=moment + AFTER)
    plays = list(
        Listen.objects.filter(window, user=user)
        .order_by("played_at")
        .values_list("track_id", "track__title", "track__artist__name", "played_at")
    )
    found: dict[dt.datetime, list[Heard]] = {}
    for moment in around:
        near = [Heard(*play) for play in plays if moment - BEFORE <= play[3] <= moment + AFTER]
        found[moment] = near[:MAX_HEARD]
    return found


def entry(user: User, pk: int) -> FullEntry | None:
    """The user's check-in `pk`, live or still in its undo window; None
    otherwise (another user's, or gone)."""
    checkin = with_details(CheckIn.objects.filter(user=user, pk=pk)).first()
    if checkin is None:
        return None
    if checkin.deleted_at is not None and not checkin_rules.can_undo(checkin):
        return None
    heard = _heard(user, [checkin.felt_at])[checkin.felt_at]
    values = dict(
        DayAttribute.objects.filter(user=user, local_date=checkin.local_date).values_list(
            "kind", "value"
        )
    )
    return _full(checkin, heard, _attributes(values))


@dataclass
class Day:
    date: dt.date
    entries: list[FullEntry]
    attributes: list[tuple[str, str]]


def day(user: User, date: dt.date) -> Day:
    """Every live check-in of one local day in full, oldest first."""
    found = list(
        with_details(CheckIn.objects.owned_by(user).filter(local_date=date)).order_by(
            "felt_at", "id"
        )
    )
    heard = _heard(user, [c.felt_at for c in found])
    values = dict(
        DayAttribute.objects.filter(user=user, local_date=date).values_list("kind", "value")
    )
    return Day(date, [_full(c, heard.get(c.felt_at, []), []) for c in found], _attributes(values))
