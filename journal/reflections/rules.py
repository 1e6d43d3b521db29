"""What a weekly reflection suggests: pure functions of a week's figures,
tested on hand-built weeks (tests/journal/test_reflection_content.py)."""

from __future__ import annotations

from django.conf import settings

from journal.reflections.stats import WeekStats
from mood.values import Quadrant

PRESET_NAMES = {
    "comfort": "Comfort and Solace",
    "release": "Emotional Release",
    "connection": "Connection and Community",
    "motivation": "Motivation and Empowerment",
    "calm": "Calm",
}
PRESET_REASONS = {
    "comfort": "Familiar songs that feel like company.",
    "release": "A gentle way to let some feelings out, then settle.",
    "connection": "Songs about belonging and the people who matter to you.",
    "motivation": "Starts where your energy is and lifts it, song by song.",
    "calm": "Starts where you are and slows things down, song by song.",
}

CARE_MIN_LOW_DAYS = 3


def suggest_presets(stats: WeekStats) -> list[str]:
    """One or two playlist presets (music/playlists.py PRESETS) for the week's
    pattern, as PRODUCT §7: mostly blue → comfort then a gentle release;
    loneliness words or little social time → connection; low energy →
    motivation; mostly red → calm. An empty week suggests nothing."""
    if not stats.count:
        return []
    out: list[str] = []
    blue = stats.mostly(Quadrant.BLUE)
    if stats.mostly(Quadrant.RED):
        out.append("calm")
    if blue:
        out.append("comfort")
    if stats.lonely:
        out.append("connection")
    if stats.low_energy and not blue:
        out.append("motivation")
    if blue:
        out.append("release")
    if not out:
        out.append(
            {
                Quadrant.YELLOW: "motivation",
                Quadrant.GREEN: "calm",
                Quadrant.RED: "calm",
                Quadrant.BLUE: "comfort",
            }.get(stats.dominant or Quadrant.NEUTRAL, "comfort")
        )
    deduped = list(dict.fromkeys(out))
    return deduped[:2]


def needs_care(stats: WeekStats) -> bool:
    """Sustained very low mood: several days whose mood sat near the bottom of
    the grid, making up most of the days the person checked in."""
    if stats.low_days < CARE_MIN_LOW_DAYS or not stats.days:
        return False
    return stats.low_days / stats.days >= 0.6


def care_resources() -> list[str]:
    """The deployment's help resources, one paragraph per line."""
    text: str = settings.ATTUNE_CARE_RESOURCES
    return [line.strip() for line in text.splitlines() if line.strip()]
