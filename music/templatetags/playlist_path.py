"""The path a playlist takes across the mood grid, drawn as accessible SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template

from mood.values import Mood, quadrant_of
from music.playlist_engine import Point

register = template.Library()

CELL = 30
SIZE = CELL * 9


def describe(point: Point) -> str:
    return Mood(round(point[0]), round(point[1])).describe()


def to_xy(point: Point) -> tuple[str, str]:
    """SVG coordinates as text (never localised: '52.5', not '52,5')."""
    x = (max(-4.5, min(4.5, point[0])) + 4.5) * CELL
    y = (4.5 - max(-4.5, min(4.5, point[1]))) * CELL
    return (f"{x:.1f}", f"{y:.1f}")


@dataclass(frozen=True, slots=True)
class Dot:
    number: int
    x: str
    y: str
    label: str
    quadrant: str


def marker(point: Point | None) -> dict[str, object] | None:
    if point is None:
        return None
    x, y = to_xy(point)
    return {
        "x": x,
        "y": y,
        "corner_x": f"{float(x) - 9:.1f}",
        "corner_y": f"{float(y) - 9:.1f}",
        "words": describe(point),
    }


@register.filter
def mood_words(point: Point | None) -> str:
    """'somewhat unpleasant, low energy' for a point on the grid."""
    return describe(point) if point is not None else ""


@register.inclusion_tag("music/includes/mood_path.html")
def mood_path(
    songs: Sequence[tuple[int, Point | None, str]],
    start: Point | None,
    target: Point | None,
    svg_id: str = "path",
) -> dict[str, object]:
    """`songs` are (number in the list, point or None, "Artist – Title") in order;
    songs without a known feel are left off the drawing (the list still has them)."""
    dots = [
        Dot(
            number=number,
            x=to_xy(point)[0],
            y=to_xy(point)[1],
            label=f"{number}. {label}: {describe(point)}",
            quadrant=quadrant_of(round(point[0]), round(point[1])).value,
        )
        for number, point, label in songs
        if point is not None
    ]
    return {
        "svg_id": svg_id,
        "size": SIZE,
        "half": SIZE / 2,
        "lines": [CELL * i for i in range(1, 9)],
        "dots": dots,
        "polyline": " ".join(f"{d.x},{d.y}" for d in dots),
        "start": marker(start),
        "target": marker(target),
        "count": len(dots),
    }
