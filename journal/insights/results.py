"""The results of the insight figures: plain dataclasses, no queries.

The thresholds that decide whether a figure is shown live here too, beside
the results that carry them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from journal.models import CheckIn
from mood.values import Quadrant, quadrant_of

# Below this many days on either side, a tag comparison is not shown.
MIN_TAG_DAYS = 5
# A song is a "lift" candidate after this many check-ins with a next one.
MIN_LIFT_SAMPLES = 3
# The next check-in must come within this time to count as "what followed".
LIFT_WINDOW = dt.timedelta(hours=24)
# Listening buckets need this many days to show a figure.
MIN_LISTEN_DAYS = 5
QUADRANT_ORDER = (Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL)


@dataclass(frozen=True)
class DayMood:
    """The mood of one local day (or a longer bucket): mean and range."""

    date: dt.date
    pleasantness: float
    energy: float
    min_pleasantness: int
    max_pleasantness: int
    min_energy: int
    max_energy: int
    count: int
    # Check-ins with a recorded energy. Energy that an import had to guess
    # (a pleasantness-only app) is left out of every energy figure; with none
    # recorded, energy reads 0 and the day shows "in between".
    energy_count: int = -1
    # The mean of the guessed energies, for a bucket whose every energy was
    # guessed by an import (None otherwise). Only the calendar's colour uses
    # it, marked as an estimate, so an imported year is not all "in between".
    estimated_energy: float | None = None

    def __post_init__(self) -> None:
        if self.energy_count < 0:
            object.__setattr__(self, "energy_count", self.count)

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(round(self.pleasantness, 1), round(self.energy, 1))

    @property
    def energy_is_estimate(self) -> bool:
        return self.energy_count == 0 and self.estimated_energy is not None

    @property
    def shown_quadrant(self) -> Quadrant:
        """The calendar's colour: the quadrant, using the import's estimated
        energy when no energy was recorded that day."""
        if self.energy_is_estimate:
            assert self.estimated_energy is not None
            return quadrant_of(round(self.pleasantness, 1), round(self.estimated_energy, 1))
        return self.quadrant


class MoodRow(NamedTuple):
    """The few columns of a check-in that every mood figure reads."""

    id: int
    felt_at: dt.datetime
    local_date: dt.date
    time_zone: str
    pleasantness: int
    energy: int
    energy_estimated: bool


@dataclass
class CalendarMonth:
    first: dt.date
    leading_blanks: int  # days before the 1st in a Monday-first week
    days: list[tuple[dt.date, DayMood | None]]

    @property
    def blanks(self) -> range:
        return range(self.leading_blanks)


@dataclass
class CalendarYear:
    year: int
    months: list[CalendarMonth]
    days_with_checkins: int
    quadrant_days: dict[Quadrant, int]
    years: list[int]  # years that have check-ins, for the selector
    estimated_days: int = 0  # days coloured with an import's estimated energy

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return max(earlier) if earlier else None

    @property
    def next_year(self) -> int | None:
        later = [y for y in self.years if y > self.year]
        return min(later) if later else None


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"day": "Days", "week": "Weeks", "month": "Months"}[self.value]


@dataclass
class MoodSeries:
    period: Period
    start: dt.date
    end: dt.date
    buckets: list[dt.date]  # every bucket start in the window, with or without data
    moods: dict[dt.date, DayMood]

    @property
    def points(self) -> list[tuple[dt.date, DayMood | None]]:
        return [(b, self.moods.get(b)) for b in self.buckets]

    @property
    def count(self) -> int:
        return sum(m.count for m in self.moods.values())


@dataclass(frozen=True)
class PatternBucket:
    label: str
    pleasantness: float | None
    energy: float | None
    count: int


@dataclass(frozen=True)
class WordCount:
    word: str
    quadrant: Quadrant
    count: int
    word_id: int


@dataclass(frozen=True)
class TagImpact:
    tag_id: int
    name: str
    with_days: int
    without_days: int
    with_mean: float | None  # None below the minimum sample
    without_mean: float | None
    with_energy: float | None
    without_energy: float | None

    @property
    def enough(self) -> bool:
        return self.with_mean is not None and self.without_mean is not None

    @property
    def difference(self) -> float:
        if self.with_mean is None or self.without_mean is None:
            return 0.0
        return self.with_mean - self.without_mean


@dataclass
class TagImpactReport:
    shown: list[TagImpact]
    too_few: list[TagImpact]  # tags used, but on too few (or too many) days to compare
    total_days: int
    min_days: int = MIN_TAG_DAYS


@dataclass(frozen=True)
class NamedCount:
    id: int
    name: str
    count: int
    artist: str = ""


@dataclass
class MusicByQuadrant:
    tracks: dict[Quadrant, list[NamedCount]]
    artists: dict[Quadrant, list[NamedCount]]
    links: int


class SongLink(NamedTuple):
    """A song attached to a check-in, with that check-in's mood."""

    checkin_id: int
    track_id: int
    title: str
    artist_id: int
    artist: str
    pleasantness: int
    energy: int


@dataclass(frozen=True)
class Lift:
    track_id: int
    title: str
    artist: str
    followed: int  # check-ins with this song that had a next check-in within the window
    better: int  # ... where that next check-in was more pleasant

    @property
    def share(self) -> float:
        return self.better / self.followed if self.followed else 0.0


@dataclass(frozen=True)
class ListeningBucket:
    label: str
    days: int
    mean: float | None  # mean day pleasantness, None below the minimum sample


@dataclass
class YearAgo:
    date: dt.date
    years_ago: int
    checkins: list[CheckIn] = field(default_factory=list)
    listens: int = 0
    top_tracks: list[NamedCount] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "A year ago" if self.years_ago == 1 else f"{self.years_ago} years ago"
