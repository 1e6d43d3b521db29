"""The path a playlist takes across the mood grid, drawn as accessible SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template

from journal.mood import Mood, quadrant_of
from music.playlists import Point

register = template.Library()

CELL = 30
SIZE = CELL * 9


def describe(point: Point) -> str:
    return Mood(round(point[0]), round(point[1])).describe()


def to_xy(point: Point) -> tuple[float, float]:
    return (round((point[0] + 4.5) * CELL, 1), round((4.5 - point[1]) * CELL, 1))


@dataclass(frozen=True, slots=True)
class Dot:
    number: int
    x: float
    y: float
    label: str
    quadrant: str


@register.filter
def mood_words(point: Point | None) -> str:
    """'somewhat unpleasant, low energy' for a point on the grid."""
    return describe(point) if point is not None else ""


@register.inclusion_tag("music/includes/mood_path.html")
def mood_path(
    songs: Sequence[tuple[Point, str]], start: Point, target: Point, svg_id: str = "path"
) -> dict[str, object]:
    """`songs` are (point, "Artist – Title") in playlist order."""
    dots = [
        Dot(
            number=i,
            x=to_xy(point)[0],
            y=to_xy(point)[1],
            label=f"{i}. {label}: {describe(point)}",
            quadrant=quadrant_of(round(point[0]), round(point[1])).value,
        )
        for i, (point, label) in enumerate(songs, start=1)
    ]
    sx, sy = to_xy(start)
    tx, ty = to_xy(target)
    return {
        "svg_id": svg_id,
        "size": SIZE,
        "half": SIZE / 2,
        "lines": [CELL * i for i in range(1, 9)],
        "dots": dots,
        "polyline": " ".join(f"{d.x},{d.y}" for d in dots),
        "start": {"x": sx, "y": sy, "corner_x": sx - 9, "corner_y": sy - 9, "words": describe(start)},
        "target": {"x": tx, "y": ty, "words": describe(target)},
        "count": len(dots),
    }
