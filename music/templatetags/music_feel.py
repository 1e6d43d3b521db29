from __future__ import annotations

from django import template

from mood.values import Quadrant, quadrant_of

register = template.Library()


@register.filter
def feel_quadrant(entry: object) -> Quadrant:
    """`{{ user_track|feel_quadrant }}`: the quadrant of a track's estimated feel."""
    p = getattr(entry, "feel_pleasantness", None)
    e = getattr(entry, "feel_energy", None)
    if p is None or e is None:
        return Quadrant.NEUTRAL
    return quadrant_of(_side(p), _side(e))


def _side(value: float) -> int:
    """Which side of a middle line; within half a step of it counts as on it."""
    if value >= 0.5:
        return 1
    if value <= -0.5:
        return -1
    return 0


@register.filter
def ms_duration(value: int | None) -> str:
    """215000 -> '3:35'."""
    if not value:
        return ""
    seconds = int(value) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
