"""Playlists for a user: their songs with a known feel loaded as the engine's
candidates (music/playlist_engine.py), the plan shown on the page, and the
saved playlist. See docs/playlists.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from music.library import rate
from music.models import FeelSource, Playlist, PlaylistItem, Track, UserTrack
from music.moments import moments
from music.playlist_engine import (
    MAX_LENGTH,
    MODES,
    PRESETS,
    SOCIAL_TAGS,
    Candidate,
    Point,
    Preset,
    comfort_score,
    distance,
    sequence,
)

SUGGEST_LIMIT = 8
# Further than this from the start mood (in grid steps), a "matching" song does
# not really match, and the page says so.
FAR = 2.0
ROLE_TEXT = {
    "matching": "meets you where you are",
    "bridge": "on the way",
    "target": "arrives",
}


@dataclass(slots=True)
class PlanItem:
    track: Track
    point: Point
    # "matching", "bridge" or "target": which part of the journey it belongs to.
    role: str
    feel_source: str

    @property
    def role_text(self) -> str:
        return ROLE_TEXT.get(self.role, "")

    @property
    def feel_source_label(self) -> str:
        try:
            return str(FeelSource(self.feel_source).label)
        except ValueError:
            return ""


@dataclass(slots=True)
class PlaylistPlan:
    start: Point
    target: Point
    mode: str
    length: int
    preset: str | None
    seed: int
    parts: tuple[int, int, int]
    items: list[PlanItem] = field(default_factory=list)
    # Where the aim was, song by song (the ideal path the songs follow).
    aims: list[Point] = field(default_factory=list)
    shortfall: str | None = None
    # A gentle word when the playlist could be built but not quite as asked (e.g. no
    # song sounds like the start mood yet).
    note: str | None = None
    # Unrated songs whose rating would help most, most played first.
    suggest_rating: list[Track] = field(default_factory=list)
    start_from_checkin: bool = False

    @property
    def tracks(self) -> list[Track]:
        return [item.track for item in self.items]

    @property
    def path(self) -> list[Point]:
        """The mood of each chosen song, in order: the path drawn on the grid."""
        return [item.point for item in self.items]

    @property
    def preset_info(self) -> Preset | None:
        return PRESETS.get(self.preset or "")


def latest_checkin_mood(user: User) -> Point | None:
    return moments().latest_mood(user.pk)


def social_track_ids(user: User) -> set[int]:
    return moments().tracks_tagged(user.pk, SOCIAL_TAGS)


def load_candidates(user: User, *, with_social: bool = False) -> list[Candidate]:
    social = social_track_ids(user) if with_social else set()
    rows = UserTrack.objects.filter(
        user=user, feel_pleasantness__isnull=False, feel_energy__isnull=False
    ).values_list(
        "track_id",
        "track__artist_id",
        "feel_pleasantness",
        "feel_energy",
        "is_comfort",
        "checkin_pleasantness",
        "checkin_count",
    )
    lo, hi = -4.0, 4.0
    return [
        Candidate(
            tid,
            aid,
            lo if p < lo else hi if p > hi else p,
            lo if e < lo else hi if e > hi else e,
            1.0 if fav else comfort_score(False, cp, count) if count else 0.0,
            tid in social,
        )
        for tid, aid, p, e, fav, cp, count in rows
        if p is not None and e is not None
    ]


def songs_to_rate(user: User, limit: int = SUGGEST_LIMIT) -> list[Track]:
    """The user's songs without a known feel, most played first: rating these
    teaches Attune the most about the music they actually live with."""
    rows = (
        UserTrack.objects.filter(user=user, feel_pleasantness__isnull=True)
        .select_related("track__artist")
        .order_by("-play_count", "track__artist__name", "track__title", "track_id")[:limit]
    )
    return [row.track for row in rows]


def generate(
    user: User,
    *,
    preset: str | None = None,
    start: Point | None = None,
    target: Point | None = None,
    length: int = 8,
    mode: str = "iso",
    seed: int = 0,
) -> PlaylistPlan:
    """A playlist from the user's own songs, from `start` (default: their latest
    check-in, through the preset's start rule) toward `target` (default: the
    preset's)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}")
    length = max(1, min(MAX_LENGTH, length))
    info = PRESETS[preset] if preset else None
    from_checkin = False
    if start is None:
        mood = latest_checkin_mood(user)
        from_checkin = mood is not None
        if info is not None:
            start = info.start_from(mood)
        else:
            start = mood if mood is not None else (0.0, 0.0)
    if target is None:
        if info is None:
            raise ValueError("a target mood or a preset is needed")
        target = info.target

    candidates = load_candidates(user, with_social=bool(info and info.social_weight))
    result = sequence(
        candidates,
        start=start,
        target=target,
        length=length,
        mode=mode,
        seed=seed,
        matching_share=info.matching_share if info else 0.25,
        comfort_weight=info.comfort_weight if info else 0.3,
        social_weight=info.social_weight if info else 0.0,
    )
    ids = [c.track_id for c in result.chosen]
    tracks = Track.objects.select_related("artist").in_bulk(ids)
    sources = dict(
        UserTrack.objects.filter(user=user, track_id__in=ids).values_list("track_id", "feel_source")
    )
    matching, bridge, _ = result.parts
    items = []
    for index, c in enumerate(result.chosen):
        role = (
            "matching" if index < matching else "bridge" if index < matching + bridge else "target"
        )
        items.append(
            PlanItem(
                track=tracks[c.track_id],
                point=(c.pleasantness, c.energy),
                role=role,
                feel_source=sources.get(c.track_id, ""),
            )
        )
    note = None
    if matching and items and min(distance(i.point, start) for i in items[:matching]) > FAR:
        note = (
            "None of your songs with a known feel sound quite like where you start, "
            "so the playlist begins with the closest ones. Rating a few songs that "
            "fit this mood would help it meet you better."
        )
    return PlaylistPlan(
        start=start,
        target=target,
        mode=mode,
        length=length,
        preset=preset,
        seed=seed,
        parts=result.parts,
        items=items,
        aims=result.aims,
        shortfall=result.shortfall,
        note=note,
        suggest_rating=songs_to_rate(user) if (result.shortfall or note) else [],
        start_from_checkin=from_checkin,
    )


def default_name(plan: PlaylistPlan) -> str:
    info = plan.preset_info
    return info.name if info else "From here to there"


def save_plan(user: User, plan: PlaylistPlan, name: str | None = None) -> Playlist:
    """Store a generated plan as the user's playlist, in order."""
    info = plan.preset_info
    with transaction.atomic():
        playlist = Playlist.objects.create(
            user=user,
            name=(name or "").strip()[:200] or default_name(plan),
            description=info.explanation if info else "",
            preset=plan.preset or "",
            mode=plan.mode,
            start_pleasantness=plan.start[0],
            start_energy=plan.start[1],
            target_pleasantness=plan.target[0],
            target_energy=plan.target[1],
            source="generated",
        )
        PlaylistItem.objects.bulk_create(
            [
                PlaylistItem(playlist=playlist, track=track, position=index)
                for index, track in enumerate(plan.tracks, start=1)
            ]
        )
    return playlist


def rate_track(user: User, track_id: int, point: Point) -> bool:
    """The user's own feel for one of their songs (the most trusted source), with
    the feel recomputed as everywhere else. Returns False if the song is not in
    their library."""
    entry = UserTrack.objects.filter(user=user, track_id=track_id).select_related("track").first()
    if entry is None:
        return False
    rate(user, entry.track, round(point[0]), round(point[1]))
    return True
