"""Playlists that move with you: sequencing a user's own songs from how they feel
now toward how they want to feel (the iso principle), and the seed's five presets.

The core (`sequence`) is pure: it takes `Candidate`s and returns a `Sequence`, so it
can be property-tested without a database. `generate` and `save_plan` wrap it for a
user. See docs/playlists.md for why it works the way it does.

Rules the core keeps, whatever the library:
- iso mode: the first songs match the start mood, the middle songs bridge, the last
  ones reach the target; compensatory mode goes straight to the target;
- after the matching part, no song is further from the target than the one before;
- no track twice, no artist twice in a row;
- the same inputs and seed give the same playlist.
When the library cannot meet them, it says so (`shortfall`) instead of bending them.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User
    from music.models import Playlist, Track

Point = tuple[float, float]

MODES = ("iso", "compensatory")
MIN_LENGTH = 2
MAX_LENGTH = 30
# The bridge may never move away from the target; a hair of tolerance for floats.
EPSILON = 1e-9
# How many alternatives per step the search keeps when the greedy pick paints it
# into a corner (an artist run it cannot break). Bounded so a hostile library
# still answers fast.
BRANCHES = 6
NODE_BUDGET = 4000
# A small pull toward the song just played, so a sparse library walks the path in
# small steps rather than zig-zagging between distant songs near each aim.
SMOOTHNESS = 0.35
# Context tags that mean music was shared with people (journal/vocabulary.py).
SOCIAL_TAGS = frozenset(
    {"sang or played with others", "went to a concert", "danced", "time with friends"}
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One song the user has with a known feel."""

    track_id: int
    artist_id: int
    pleasantness: float
    energy: float
    # 0..1: how much this song belongs to good moments (a comfort song, or
    # attached to pleasant check-ins).
    comfort: float = 0.0
    # Attached to check-ins tagged with shared music (singing with others, a concert).
    social: bool = False


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    name: str
    explanation: str
    # Where it leads.
    target: Point
    # Where it starts when the user has no check-in yet.
    default_start: Point
    # How the start is taken from the latest check-in: "as_is" meets the mood where
    # it is; "heavy" meets it on the unpleasant side (release);
    # "stirred" meets it with some energy (calm).
    start_rule: str
    start_rule_text: str
    # Share of the playlist that matches the start mood in iso mode.
    matching_share: float = 0.25
    comfort_weight: float = 0.15
    social_weight: float = 0.0

    def start_from(self, checkin_mood: Point | None) -> Point:
        if checkin_mood is None:
            return self.default_start
        p, e = checkin_mood
        if self.start_rule == "heavy":
            return (min(p, -2.0), e)
        if self.start_rule == "stirred":
            return (p, max(e, 1.0))
        return (p, e)


PRESETS: dict[str, Preset] = {
    "comfort": Preset(
        key="comfort",
        name="Comfort and Solace",
        explanation=(
            "Starts with songs that sit with how you feel right now, then moves gently "
            "toward warmth, favouring the songs tied to your good moments."
        ),
        target=(2.0, -1.0),
        default_start=(-2.0, -2.0),
        start_rule="as_is",
        start_rule_text="starts where your latest check-in is",
        comfort_weight=0.6,
    ),
    "release": Preset(
        key="release",
        name="Emotional Release",
        explanation=(
            "Lets heavy feelings be heard first with songs that match them, "
            "then eases you toward somewhere lighter and quieter."
        ),
        target=(1.0, -1.0),
        default_start=(-3.0, -1.0),
        start_rule="heavy",
        start_rule_text="starts on the heavy side of your latest check-in",
        matching_share=0.375,
        comfort_weight=0.2,
    ),
    "connection": Preset(
        key="connection",
        name="Connection and Community",
        explanation=(
            "Moves toward warm, bright songs, preferring the ones you have shared with "
            "other people, at a concert, dancing or singing together."
        ),
        target=(3.0, 1.0),
        default_start=(-1.0, -1.0),
        start_rule="as_is",
        start_rule_text="starts where your latest check-in is",
        comfort_weight=0.4,
        social_weight=1.0,
    ),
    "motivation": Preset(
        key="motivation",
        name="Motivation and Empowerment",
        explanation=(
            "Builds energy step by step from where you are toward bright, "
            "confident songs that help you take on what is in front of you."
        ),
        target=(3.0, 3.0),
        default_start=(-1.0, -2.0),
        start_rule="as_is",
        start_rule_text="starts where your latest check-in is",
    ),
    "calm": Preset(
        key="calm",
        name="Calm",
        explanation=(
            "Meets restless, high energy where it is and settles it step by step "
            "toward calm, pleasant and quiet songs."
        ),
        target=(2.0, -3.0),
        default_start=(-1.0, 3.0),
        start_rule="stirred",
        start_rule_text="starts from your latest check-in, with its energy",
    ),
}


def distance(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def split_parts(length: int, mode: str, matching_share: float = 0.25) -> tuple[int, int, int]:
    """How many songs match, bridge and arrive: 8 → (2, 4, 2) in iso mode."""
    if mode == "compensatory" or length < 2:
        return (0, 0, length)
    matching = max(1, round(length * matching_share))
    arriving = max(1, round(length * 0.25))
    while matching + arriving > length:
        if matching >= arriving:
            matching -= 1
        else:
            arriving -= 1
    return (matching, length - matching - arriving, arriving)


def waypoints(start: Point, target: Point, parts: tuple[int, int, int]) -> list[Point]:
    """The moods the playlist aims for, song by song."""
    matching, bridge, arriving = parts
    points: list[Point] = [start] * matching
    for step in range(1, bridge + 1):
        f = step / (bridge + 1)
        points.append(
            (start[0] + (target[0] - start[0]) * f, start[1] + (target[1] - start[1]) * f)
        )
    points.extend([target] * arriving)
    return points


def _jitter(track_id: int, seed: int) -> float:
    """A small, stable, seed-dependent nudge so ties break differently per seed
    but identically for the same seed (no process-randomised hashing)."""
    x = (track_id * 2654435761 + seed * 40503 + 12345) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 2246822519) & 0xFFFFFFFF
    x ^= x >> 13
    return (x & 0xFFFF) / 65536 * 0.2


@dataclass(slots=True)
class Sequence:
    """The pure result: chosen candidates in order and what they aimed at."""

    chosen: list[Candidate]
    aims: list[Point]
    parts: tuple[int, int, int]
    shortfall: str | None = None


def sequence(
    candidates: Seq[Candidate],
    *,
    start: Point,
    target: Point,
    length: int = 8,
    mode: str = "iso",
    seed: int = 0,
    matching_share: float = 0.25,
    comfort_weight: float = 0.3,
    social_weight: float = 0.0,
) -> Sequence:
    """Choose `length` songs from `candidates` moving from `start` to `target`."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    n = min(length, len(candidates))
    shortfall: str | None = None
    if n < length:
        shortfall = (
            f"You have {len(candidates)} song{'s' if len(candidates) != 1 else ''} "
            f"with a known feel, and this playlist needs {length}."
        )
    parts = split_parts(n, mode, matching_share)
    aims = waypoints(start, target, parts)
    if n == 0:
        return Sequence([], aims, parts, shortfall)
    matching = parts[0]

    # Distances to the target and the grid cell of every song, computed once; the
    # per-step score is computed only for songs in cells near the step's aim.
    max_bonus = comfort_weight + social_weight
    tx, ty = target
    hypot = math.hypot
    to_target: dict[int, float] = {
        c.track_id: hypot(c.pleasantness - tx, c.energy - ty) for c in candidates
    }
    # Songs with a bonus (comfort, shared moments) are kept apart from plain ones:
    # a plain song can never score better than its distance, so far cells of plain
    # songs are skipped early, and only the few boosted songs are searched wider.
    plain: list[list[Candidate]] = [[] for _ in range(81)]
    boosted: list[list[Candidate]] = [[] for _ in range(81)]
    for c in candidates:
        cx = int(c.pleasantness + 4.5)
        cy = int(c.energy + 4.5)
        i = (8 if cx > 8 else 0 if cx < 0 else cx) * 9 + (8 if cy > 8 else 0 if cy < 0 else cy)
        if (comfort_weight and c.comfort) or (social_weight and c.social):
            boosted[i].append(c)
        else:
            plain[i].append(c)
    bonus_cache: dict[int, float] = {}

    def bonus(c: Candidate) -> float:
        value = bonus_cache.get(c.track_id)
        if value is None:
            value = (
                comfort_weight * c.comfort
                + (social_weight if c.social else 0.0)
                - _jitter(c.track_id, seed)
            )
            bonus_cache[c.track_id] = value
        return value

    # Sorted distances to the target answer "how many songs are at least this
    # close?" with one bisect: the look-ahead that keeps the bridge from running
    # out of closer songs.
    sorted_dist = sorted(to_target.values())
    cell_boxes = [
        (cx * 9 + cy, (cx - 4.5, cx - 3.5, cy - 4.5, cy - 3.5))
        for cx in range(9)
        for cy in range(9)
        if plain[cx * 9 + cy] or boosted[cx * 9 + cy]
    ]

    def box_distance(point: Point, box: tuple[float, float, float, float]) -> float:
        x0, x1, y0, y1 = box
        dx = max(x0 - point[0], 0.0, point[0] - x1)
        dy = max(y0 - point[1], 0.0, point[1] - y1)
        return math.hypot(dx, dy)

    boxes = dict(cell_boxes)
    target_box_d = {i: box_distance(target, box) for i, box in cell_boxes}

    # Cells ordered by closeness, per distinct aim (aims repeat in runs).
    cell_order: dict[Point, list[tuple[float, int]]] = {}
    for aim in aims:
        if aim not in cell_order:
            cell_order[aim] = sorted((box_distance(aim, box), i) for i, box in cell_boxes)

    used: set[int] = set()
    used_dists: list[float] = []

    def closer_available(limit: float) -> int:
        """Unused songs no further from the target than `limit`."""
        total = bisect_right(sorted_dist, limit + EPSILON)
        return total - sum(1 for d in used_dists if d <= limit + EPSILON)

    def options(step: int, prev: Candidate | None) -> list[Candidate]:
        aim = aims[step]
        after = n - step - 1
        bound = to_target[prev.track_id] if (prev is not None and step >= matching) else None
        # From the last matching song on, every choice must leave enough closer songs
        # for the rest of the way.
        needs_lookahead = step >= matching - 1
        px, py = (prev.pleasantness, prev.energy) if prev is not None else (0.0, 0.0)
        # A bounded max-heap of the best (cost, track id) so far.
        heap: list[tuple[float, int, Candidate]] = []
        for box_d, i in cell_order[aim]:
            # Songs must get no further from the target: whole cells beyond reach
            # are skipped (this is what keeps the last steps fast).
            if bound is not None and target_box_d[i] > bound + EPSILON:
                continue
            groups = (plain[i], boosted[i])
            if len(heap) >= BRANCHES:
                worst = -heap[0][0]
                if box_d - max_bonus > worst:
                    break
                least = box_d
                if prev is not None:
                    least += SMOOTHNESS * box_distance((px, py), boxes[i])
                if least - max_bonus > worst:
                    continue
                if least > worst:
                    groups = ([], boosted[i])
            for group in groups:
                for c in group:
                    tid = c.track_id
                    if tid in used:
                        continue
                    if prev is not None and c.artist_id == prev.artist_id:
                        continue
                    d_t = to_target[tid]
                    if bound is not None and d_t > bound + EPSILON:
                        continue
                    cost = hypot(c.pleasantness - aim[0], c.energy - aim[1]) - bonus(c)
                    if prev is not None:
                        cost += SMOOTHNESS * hypot(c.pleasantness - px, c.energy - py)
                    if len(heap) >= BRANCHES and (-cost, -tid) <= (heap[0][0], heap[0][1]):
                        continue
                    if needs_lookahead and closer_available(d_t) - 1 < after:
                        continue
                    entry = (-cost, -tid, c)
                    if len(heap) < BRANCHES:
                        heapq.heappush(heap, entry)
                    else:
                        heapq.heapreplace(heap, entry)
        ranked = sorted(heap, key=lambda t: (-t[0], -t[1]))
        return [c for _, _, c in ranked]

    # Depth-first: the greedy path first; backtrack only when a step has no
    # candidate (e.g. the only closer songs are by the artist just played).
    path: list[Candidate] = []
    longest: list[Candidate] = []
    budget = [NODE_BUDGET]

    def walk(step: int) -> bool:
        nonlocal longest
        if step == n:
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        prev = path[-1] if path else None
        for c in options(step, prev):
            path.append(c)
            used.add(c.track_id)
            used_dists.append(to_target[c.track_id])
            if len(path) > len(longest):
                longest = list(path)
            if walk(step + 1):
                return True
            path.pop()
            used.discard(c.track_id)
            used_dists.pop()
            if budget[0] < 0:
                return False
        return False

    if walk(0):
        return Sequence(list(path), aims, parts, shortfall)

    # No full path: keep the longest prefix that obeys every rule, and say why.
    reason = (
        "Your songs near this path are mostly by the same artist, so it could not "
        f"avoid playing one artist twice in a row beyond {len(longest)} songs."
    )
    prefix = longest
    full_aims = aims[: len(prefix)]
    return Sequence(
        prefix,
        full_aims,
        parts,
        (shortfall + " " + reason) if shortfall else reason,
    )


# --- For a user -------------------------------------------------------------

SUGGEST_LIMIT = 8
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
        from music.models import FeelSource

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
    from journal.models import CheckIn

    checkin = CheckIn.objects.owned_by(user).only("pleasantness", "energy").first()
    if checkin is None:
        return None
    return (float(checkin.pleasantness), float(checkin.energy))


def comfort_score(is_comfort: bool, checkin_pleasantness: float | None, count: int) -> float:
    """How much a song belongs to good moments: a chosen comfort song most, then a
    song attached to pleasant check-ins."""
    if is_comfort:
        return 1.0
    if count and checkin_pleasantness is not None and checkin_pleasantness >= 1:
        return min(0.8, 0.2 * checkin_pleasantness)
    return 0.0


def social_track_ids(user: User) -> set[int]:
    from django.db.models import Q

    from journal.models import CheckInTrack

    named = Q()
    for name in SOCIAL_TAGS:
        named |= Q(checkin__tags__name__iexact=name)
    return set(
        CheckInTrack.objects.filter(named, checkin__user=user, checkin__deleted_at__isnull=True)
        .values_list("track_id", flat=True)
        .distinct()
    )


def load_candidates(user: User, *, with_social: bool = False) -> list[Candidate]:
    from music.models import UserTrack

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
    return [
        Candidate(
            track_id=tid,
            artist_id=aid,
            pleasantness=max(-4.0, min(4.0, p)),
            energy=max(-4.0, min(4.0, e)),
            comfort=comfort_score(fav, cp, count),
            social=tid in social,
        )
        for tid, aid, p, e, fav, cp, count in rows
        if p is not None and e is not None
    ]


def songs_to_rate(user: User, limit: int = SUGGEST_LIMIT) -> list[Track]:
    """The user's songs without a known feel, most played first: rating these
    teaches Attune the most about the music they actually live with."""
    from music.models import Track

    return list(
        Track.objects.filter(user_tracks__user=user, user_tracks__feel_pleasantness__isnull=True)
        .select_related("artist")
        .order_by("-user_tracks__play_count", "artist__name", "title", "pk")[:limit]
    )


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
    from music.models import Track, UserTrack

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
        suggest_rating=songs_to_rate(user) if result.shortfall else [],
        start_from_checkin=from_checkin,
    )


def default_name(plan: PlaylistPlan) -> str:
    info = plan.preset_info
    return info.name if info else "From here to there"


def save_plan(user: User, plan: PlaylistPlan, name: str | None = None) -> Playlist:
    """Store a generated plan as the user's playlist, in order."""
    from django.db import transaction

    from music.models import Playlist, PlaylistItem

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
    """The user's own feel for one of their songs: the most trusted source.
    Returns False if the song is not in their library."""
    from django.utils import timezone

    from music.models import FeelSource, UserTrack

    p, e = round(point[0]), round(point[1])
    updated = UserTrack.objects.filter(user=user, track_id=track_id).update(
        rating_pleasantness=p,
        rating_energy=e,
        rated_at=timezone.now(),
        feel_pleasantness=float(p),
        feel_energy=float(e),
        feel_source=FeelSource.RATING,
    )
    return bool(updated)
