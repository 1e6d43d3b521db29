from __future__ import annotations

from django import template

from journal.mood import Quadrant, quadrant_of

register = template.Library()


@register.filter
def feel_quadrant(entry: object) -> Quadrant:
    """`{{ user_track|feel_quadrant }}`: the quadrant of a track's estimated feel."""
    p = getattr(entry, "feel_pleasantness", None)
    e = getattr(entry, "feel_energy", None)
    if p is None or e is None:
        return Quadrant.NEUTRAL
    return quadrant_of(round(p), round(e))


@register.filter
def ms_duration(value: int | None) -> str:
    """215000 -> '3:35'."""
    if not value:
        return ""
    seconds = int(value) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
