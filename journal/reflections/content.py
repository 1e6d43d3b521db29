"""The stored content of a weekly reflection, as a typed, versioned object.

`WeeklyReflection.content` is JSON. Everything that reads it (the page, the
email, the archive export) goes through `ReflectionContent.from_stored`, which
reads every shape an earlier version of Attune saved: a field added later gets
its default, so a reflection saved before a new figure existed still renders.
`to_stored` writes the current shape.

Shapes so far:

* version 1 (the first): as `to_stored` writes it today, except that until the
  playlists were generated from the person's own music a suggestion's
  `shortfall` was a bool (True: no playlist could be made) instead of the
  engine's sentence. A missing `version` is read as 1.

Bump CONTENT_VERSION when a field changes meaning (not when one is added with
a default), and teach `from_stored` to read the older shape.

No note text, ever: notes are encrypted at rest; the content keeps check-in
ids and the page or email decrypts excerpts at render time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mood.values import Quadrant

CONTENT_VERSION = 1
QUADRANTS = frozenset(q.value for q in Quadrant)


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _counts(value: Any) -> list[tuple[str, int]]:
    """[[name, n], ...] as stored; pairs of another shape are skipped."""
    return [
        (str(pair[0]), _int(pair[1]))
        for pair in _list(value)
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


@dataclass(frozen=True, slots=True)
class TrackLine:
    track_id: int | None
    title: str
    artist: str
    plays: int = 0

    @classmethod
    def from_stored(cls, data: Any) -> TrackLine:
        data = _dict(data)
        track_id = data.get("track_id")
        return cls(
            track_id=track_id if isinstance(track_id, int) else None,
            title=_str(data.get("title")),
            artist=_str(data.get("artist")),
            plays=_int(data.get("plays")),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "track_id": self.track_id,
            "title": self.title,
            "artist": self.artist,
            "plays": self.plays,
        }


@dataclass(frozen=True, slots=True)
class MomentLine:
    """The week's brightest or lowest check-in (its id, never its note)."""

    checkin_id: int | None
    date: dt.date | None
    day: str
    pleasantness: int
    energy: int
    quadrant: str
    describe: str

    @classmethod
    def from_stored(cls, data: Any) -> MomentLine | None:
        if not isinstance(data, dict):
            return None
        checkin_id = data.get("checkin_id")
        return cls(
            checkin_id=checkin_id if isinstance(checkin_id, int) else None,
            date=_date(data.get("date")),
            day=_str(data.get("day")),
            pleasantness=_int(data.get("pleasantness")),
            energy=_int(data.get("energy")),
            quadrant=_str(data.get("quadrant")),
            describe=_str(data.get("describe")),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "checkin_id": self.checkin_id,
            "date": self.date.isoformat() if self.date else None,
            "day": self.day,
            "pleasantness": self.pleasantness,
            "energy": self.energy,
            "quadrant": self.quadrant,
            "describe": self.describe,
        }


@dataclass(frozen=True, slots=True)
class QuadrantShare:
    quadrant: str
    label: str
    description: str
    count: int
    percent: int

    @classmethod
    def from_stored(cls, data: Any) -> QuadrantShare | None:
        """None for a share of no known quadrant (only an altered archive has
        one): the page draws each share by its quadrant's shape and colour."""
        data = _dict(data)
        quadrant = data.get("quadrant")
        if quadrant not in QUADRANTS:
            return None
        return cls(
            quadrant=str(quadrant),
            label=_str(data.get("label")),
            description=_str(data.get("description")),
            count=_int(data.get("count")),
            percent=max(0, min(100, _int(data.get("percent")))),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "quadrant": self.quadrant,
            "label": self.label,
            "description": self.description,
            "count": self.count,
            "percent": self.percent,
        }


@dataclass(frozen=True, slots=True)
class Averages:
    pleasantness: float
    energy: float
    count: int | None = None  # only for the four weeks before

    @classmethod
    def from_stored(cls, data: Any) -> Averages | None:
        data = _dict(data)
        pleasantness, energy = _float(data.get("pleasantness")), _float(data.get("energy"))
        if pleasantness is None or energy is None:
            return None
        count = data.get("count")
        return cls(pleasantness, energy, count if isinstance(count, int) else None)

    def to_stored(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pleasantness": self.pleasantness, "energy": self.energy}
        if self.count is not None:
            out["count"] = self.count
        return out


@dataclass(frozen=True, slots=True)
class MusicWeek:
    top_tracks: list[TrackLine] = field(default_factory=list)
    listens: int = 0
    minutes: int = 0
    # Songs playing in the half hour before the week's check-ins (not added to
    # them); `plays` is the number of check-ins (journal/listening.py).
    heard_around: list[TrackLine] = field(default_factory=list)

    @classmethod
    def from_stored(cls, data: Any) -> MusicWeek:
        data = _dict(data)
        return cls(
            top_tracks=[TrackLine.from_stored(t) for t in _list(data.get("top_tracks"))],
            listens=_int(data.get("listens")),
            minutes=_int(data.get("minutes")),
            heard_around=[TrackLine.from_stored(t) for t in _list(data.get("heard_around"))],
        )

    def to_stored(self) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "top_tracks": [t.to_stored() for t in self.top_tracks],
            "listens": self.listens,
            "minutes": self.minutes,
        }
        if self.heard_around:  # absent when empty: older content keeps its exact shape
            stored["heard_around"] = [t.to_stored() for t in self.heard_around]
        return stored


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested playlist: the preset, and the playlist made for it, if any."""

    preset: str
    name: str
    why: str
    playlist_id: int | None = None
    tracks: int = 0
    shortfall: str = ""  # the engine's explanation when it made fewer songs, or none

    @classmethod
    def from_stored(cls, data: Any) -> Suggestion:
        data = _dict(data)
        playlist_id = data.get("playlist_id")
        return cls(
            preset=_str(data.get("preset")),
            name=_str(data.get("name")),
            why=_str(data.get("why")),
            playlist_id=playlist_id if isinstance(playlist_id, int) else None,
            tracks=_int(data.get("tracks")),
            # Early version 1 stored a bool, with no sentence to show.
            shortfall=_str(data.get("shortfall")),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "name": self.name,
            "why": self.why,
            "playlist_id": self.playlist_id,
            "tracks": self.tracks,
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True, slots=True)
class Exercise:
    """One music-therapy exercise, already worded for the person's week."""

    kind: str
    title: str
    intro: str
    steps: list[str]
    track: TrackLine | None = None
    tempo: int | None = None

    @classmethod
    def from_stored(cls, data: Any) -> Exercise | None:
        if not isinstance(data, dict) or not data.get("title"):
            return None
        tempo = data.get("tempo")
        return cls(
            kind=_str(data.get("kind")),
            title=_str(data.get("title")),
            intro=_str(data.get("intro")),
            steps=[str(step) for step in _list(data.get("steps"))],
            track=TrackLine.from_stored(data["track"]) if data.get("track") else None,
            tempo=tempo if isinstance(tempo, int) else None,
        )

    def to_stored(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "title": self.title,
            "intro": self.intro,
        }
        if self.tempo is not None:
            out["tempo"] = self.tempo
        out["steps"] = list(self.steps)
        if self.track is not None:
            out["track"] = self.track.to_stored()
        return out


@dataclass(frozen=True, slots=True)
class ReflectionContent:
    """What a reflection says about one week. An empty week (no check-ins) has
    no averages, mix, moments, words or tags."""

    week_start: dt.date | None
    week_end: dt.date | None
    count: int = 0
    days: int = 0
    music: MusicWeek = field(default_factory=MusicWeek)
    suggestions: list[Suggestion] = field(default_factory=list)
    exercise: Exercise | None = None
    care: bool = False
    mean: Averages | None = None
    previous: Averages | None = None
    quadrants: list[QuadrantShare] = field(default_factory=list)
    high: MomentLine | None = None
    low: MomentLine | None = None
    words: list[tuple[str, int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    version: int = CONTENT_VERSION

    @property
    def empty(self) -> bool:
        return self.count == 0

    @classmethod
    def from_stored(cls, data: Any) -> ReflectionContent:
        """Read content saved by this or any earlier version (see the module doc)."""
        data = _dict(data)
        return cls(
            week_start=_date(data.get("week_start")),
            week_end=_date(data.get("week_end")),
            count=_int(data.get("count")),
            days=_int(data.get("days")),
            music=MusicWeek.from_stored(data.get("music")),
            suggestions=[Suggestion.from_stored(s) for s in _list(data.get("suggestions"))],
            exercise=Exercise.from_stored(data.get("exercise")),
            care=data.get("care") is True,
            mean=Averages.from_stored(data.get("mean")),
            previous=Averages.from_stored(data.get("previous")),
            quadrants=[
                share
                for share in map(QuadrantShare.from_stored, _list(data.get("quadrants")))
                if share is not None
            ],
            high=MomentLine.from_stored(data.get("high")),
            low=MomentLine.from_stored(data.get("low")),
            words=_counts(data.get("words")),
            tags=_counts(data.get("tags")),
            version=CONTENT_VERSION,
        )

    def to_stored(self) -> dict[str, Any]:
        """The JSON for WeeklyReflection.content, in the current shape."""
        out: dict[str, Any] = {
            "version": self.version,
            "week_start": self.week_start.isoformat() if self.week_start else None,
            "week_end": self.week_end.isoformat() if self.week_end else None,
            "count": self.count,
            "days": self.days,
            "empty": self.empty,
            "music": self.music.to_stored(),
            "suggestions": [s.to_stored() for s in self.suggestions],
            "exercise": self.exercise.to_stored() if self.exercise else None,
            "care": self.care,
        }
        if self.empty:
            return out
        out.update(
            {
                "mean": self.mean.to_stored() if self.mean else None,
                "previous": self.previous.to_stored() if self.previous else None,
                "quadrants": [q.to_stored() for q in self.quadrants],
                "high": self.high.to_stored() if self.high else None,
                "low": self.low.to_stored() if self.low else None,
                "words": [[w, n] for w, n in self.words],
                "tags": [[t, n] for t, n in self.tags],
            }
        )
        return out
