from __future__ import annotations

from django import template

from mood.values import MOOD_RANGE, Mood, Quadrant, quadrant_of

register = template.Library()


@register.simple_tag
def mood_rows() -> list[list[Mood]]:
    """The 9x9 grid: top row is the highest energy, left column the least pleasant."""
    return [[Mood(p, e) for p in MOOD_RANGE] for e in reversed(MOOD_RANGE)]


@register.filter
def quadrant(value: object) -> Quadrant:
    """`{{ checkin|quadrant }}` for anything with pleasantness and energy."""
    return quadrant_of(getattr(value, "pleasantness", 0) or 0, getattr(value, "energy", 0) or 0)


@register.filter
def mood_value(mood: Mood) -> str:
    return f"{mood.pleasantness},{mood.energy}"


QUADRANT_SHAPES = {
    Quadrant.YELLOW: "▲",
    Quadrant.RED: "◆",
    Quadrant.BLUE: "▼",
    Quadrant.GREEN: "●",
    Quadrant.NEUTRAL: "○",
}


@register.filter
def quadrant_shape(q: Quadrant) -> str:
    """A shape per quadrant, so colour is never the only cue."""
    return QUADRANT_SHAPES[Quadrant(q)]
