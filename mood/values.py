"""The mood model: a point on the circumplex (pleasantness x, energy y), each an
integer from -4 to +4, and the four Mood Meter quadrants.

A point with 0 on either axis sits on a dividing line and is called "neutral";
it is shown in a neutral colour rather than forced into a quadrant.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

MOOD_MIN = -4
MOOD_MAX = 4
MOOD_RANGE = range(MOOD_MIN, MOOD_MAX + 1)

# For every model field that holds a point on the grid (check-ins, their songs,
# ratings, emotion words): the form check and the database check.
mood_validators = [MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]


def mood_range_check(prefix: str, field: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": MOOD_MIN, f"{field}__lte": MOOD_MAX})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"{prefix}_{field}_range")


class Quadrant(StrEnum):
    YELLOW = "yellow"  # pleasant, high energy
    RED = "red"  # unpleasant, high energy
    BLUE = "blue"  # unpleasant, low energy
    GREEN = "green"  # pleasant, low energy
    NEUTRAL = "neutral"

    @property
    def label(self) -> str:
        return QUADRANT_LABELS[self]

    @property
    def description(self) -> str:
        return QUADRANT_DESCRIPTIONS[self]


QUADRANT_LABELS = {
    Quadrant.YELLOW: "Bright",
    Quadrant.RED: "Stirred",
    Quadrant.BLUE: "Heavy",
    Quadrant.GREEN: "Calm",
    Quadrant.NEUTRAL: "In between",
}
QUADRANT_DESCRIPTIONS = {
    Quadrant.YELLOW: "pleasant, high energy",
    Quadrant.RED: "unpleasant, high energy",
    Quadrant.BLUE: "unpleasant, low energy",
    Quadrant.GREEN: "pleasant, low energy",
    Quadrant.NEUTRAL: "on a middle line",
}


def quadrant_of(pleasantness: float, energy: float) -> Quadrant:
    if pleasantness == 0 or energy == 0:
        return Quadrant.NEUTRAL
    if pleasantness > 0:
        return Quadrant.YELLOW if energy > 0 else Quadrant.GREEN
    return Quadrant.RED if energy > 0 else Quadrant.BLUE


PLEASANTNESS_WORDS = {
    -4: "very unpleasant",
    -3: "unpleasant",
    -2: "somewhat unpleasant",
    -1: "slightly unpleasant",
    0: "neutral",
    1: "slightly pleasant",
    2: "somewhat pleasant",
    3: "pleasant",
    4: "very pleasant",
}
ENERGY_WORDS = {
    -4: "very low energy",
    -3: "low energy",
    -2: "somewhat low energy",
    -1: "slightly low energy",
    0: "medium energy",
    1: "slightly high energy",
    2: "somewhat high energy",
    3: "high energy",
    4: "very high energy",
}


@dataclass(frozen=True, slots=True)
class Mood:
    pleasantness: int
    energy: int

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.pleasantness, self.energy)

    def describe(self) -> str:
        """Words a screen reader can read: 'pleasant, high energy'."""
        return f"{PLEASANTNESS_WORDS[self.pleasantness]}, {ENERGY_WORDS[self.energy]}"
