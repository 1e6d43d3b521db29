"""The playlist engine: sequencing songs from how someone feels now toward how
they want to feel (the iso principle), and the seed's five presets.

Pure Python: no Django, no database. It takes `Candidate`s and returns a
`Sequence`, so it can be property-tested on its own; music/playlists.py loads
the candidates for a user and stores the result. See docs/playlists.md for why
it works the way it does.

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
from dataclasses import dataclass

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
# Context tags that mean music was shared with people (journal/vocabulary.py's
# default tags).
SOCIAL_TAGS = frozenset(
    {"sang or played with others", "went to a concert", "danced", "time with friends"}
)


@dataclass(slots=True)
class Candidate:
    """One song the user has with a known feel. (Not frozen: a frozen dataclass is
    four times slower to build, which shows when loading 20,000 of them.)"""

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


def comfort_score(is_comfort: bool, checkin_pleasantness: float | None, count: int) -> float:
    """How much a song belongs to good moments: a chosen comfort song most, then a
    song attached to pleasant check-ins."""
    if is_comfort:
        return 1.0
    if count and checkin_pleasantness is not None and checkin_pleasantness >= 1:
        return min(0.8, 0.2 * checkin_pleasantness)
    return 0.0


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
    shortfall = _too_few(len(candidates), length)
    parts = split_parts(n, mode, matching_share)
    aims = waypoints(start, target, parts)
    if n == 0:
        return Sequence([], aims, parts, shortfall)
    search = _Search(
        candidates,
        aims=aims,
        matching=parts[0],
        target=target,
        seed=seed,
        comfort_weight=comfort_weight,
        social_weight=social_weight,
    )
    if search.run():
        return Sequence(list(search.path), aims, parts, shortfall)

    # No full path: keep the longest prefix that obeys every rule, and say why.
    reason = (
        f"Only {len(search.longest)} of your songs could be put in an order that keeps "
        "moving toward your goal without playing the same artist twice in a row."
    )
    prefix = search.longest
    return Sequence(
        prefix,
        aims[: len(prefix)],
        parts,
        (shortfall + " " + reason) if shortfall else reason,
    )


def _too_few(available: int, length: int) -> str | None:
    if available >= length:
        return None
    return (
        f"You have {available} song{'s' if available != 1 else ''} "
        f"with a known feel, and this playlist needs {length}."
    )


# A grid cell's bounds: (x from, x to, y from, y to).
Box = tuple[float, float, float, float]
CELLS = 81


def box_distance(point: Point, box: Box) -> float:
    """How far a point is from the nearest edge of a cell (0 inside it)."""
    x0, x1, y0, y1 = box
    dx = max(x0 - point[0], 0.0, point[0] - x1)
    dy = max(y0 - point[1], 0.0, point[1] - y1)
    return math.hypot(dx, dy)


class _Search:
    """The depth-first search for one playlist: the greedy path first,
    backtracking only when a step has no candidate (e.g. the only closer songs
    are by the artist just played)."""

    def __init__(
        self,
        candidates: Seq[Candidate],
        *,
        aims: list[Point],
        matching: int,
        target: Point,
        seed: int,
        comfort_weight: float,
        social_weight: float,
    ) -> None:
        self.aims = aims
        self.n = len(aims)
        self.matching = matching
        self.seed = seed
        self.comfort_weight = comfort_weight
        self.social_weight = social_weight
        self.max_bonus = comfort_weight + social_weight
        self._index(candidates, target)
        self.bonus_cache: dict[int, float] = {}
        self.used: set[int] = set()
        self.used_dists: list[float] = []
        self.path: list[Candidate] = []
        self.longest: list[Candidate] = []
        self.budget = NODE_BUDGET

    def _index(self, candidates: Seq[Candidate], target: Point) -> None:
        """The grid cell of every song, computed once: the per-step score is
        computed only for songs in cells near the step's aim."""
        self.target = target
        # Songs with a bonus (comfort, shared moments) are kept apart from plain
        # ones: a plain song can never score better than its distance, so far
        # cells of plain songs are skipped early, and only the few boosted songs
        # are searched wider.
        # (The loop runs for every song of the library on every playlist: it
        # reads locals and finds the cell of the 9x9 grid inline, edges clamped.)
        plain: list[list[Candidate]] = [[] for _ in range(CELLS)]
        boosted: list[list[Candidate]] = [[] for _ in range(CELLS)]
        comfort_weight, social_weight = self.comfort_weight, self.social_weight
        for c in candidates:
            cx = int(c.pleasantness + 4.5)
            cy = int(c.energy + 4.5)
            i = (8 if cx > 8 else 0 if cx < 0 else cx) * 9 + (8 if cy > 8 else 0 if cy < 0 else cy)
            if (comfort_weight and c.comfort) or (social_weight and c.social):
                boosted[i].append(c)
            else:
                plain[i].append(c)
        self.plain, self.boosted = plain, boosted
        # The nearest distances to the target, sorted, answer "are there enough
        # songs at least this close?" with one bisect: the look-ahead that keeps
        # the bridge from running out of closer songs. The answer only matters
        # up to the songs still to choose plus those already chosen, so only
        # that many are kept (the whole library sorted cost a third of the time).
        tx, ty = target
        hypot = math.hypot
        self.nearest_dists = heapq.nsmallest(
            2 * self.n + 2, [hypot(c.pleasantness - tx, c.energy - ty) for c in candidates]
        )
        cell_boxes = [
            (cx * 9 + cy, (cx - 4.5, cx - 3.5, cy - 4.5, cy - 3.5))
            for cx in range(9)
            for cy in range(9)
            if self.plain[cx * 9 + cy] or self.boosted[cx * 9 + cy]
        ]
        self.boxes = dict(cell_boxes)
        self.target_box_d = {i: box_distance(target, box) for i, box in cell_boxes}
        # Cells ordered by closeness, per distinct aim (aims repeat in runs).
        self.cell_order: dict[Point, list[tuple[float, int]]] = {}
        for aim in self.aims:
            if aim not in self.cell_order:
                self.cell_order[aim] = sorted((box_distance(aim, box), i) for i, box in cell_boxes)

    def bonus(self, c: Candidate) -> float:
        value = self.bonus_cache.get(c.track_id)
        if value is None:
            value = (
                self.comfort_weight * c.comfort
                + (self.social_weight if c.social else 0.0)
                - _jitter(c.track_id, self.seed)
            )
            self.bonus_cache[c.track_id] = value
        return value

    def to_target(self, c: Candidate) -> float:
        return math.hypot(c.pleasantness - self.target[0], c.energy - self.target[1])

    def closer_available(self, limit: float) -> int:
        """Unused songs no further from the target than `limit`, counted exactly
        up to more than a playlist can need (`nearest_dists` holds 2n + 2)."""
        total = bisect_right(self.nearest_dists, limit + EPSILON)
        return total - sum(1 for d in self.used_dists if d <= limit + EPSILON)

    def options(self, step: int, prev: Candidate | None) -> list[Candidate]:
        """The best few next songs for this step, best first."""
        aim = self.aims[step]
        after = self.n - step - 1
        bound = self.to_target(prev) if (prev is not None and step >= self.matching) else None
        tx, ty = self.target
        # From the last matching song on, every choice must leave enough closer
        # songs for the rest of the way.
        needs_lookahead = step >= self.matching - 1
        px, py = (prev.pleasantness, prev.energy) if prev is not None else (0.0, 0.0)
        # (The loops below run per song: they read locals, not attributes.)
        max_bonus, used, hypot, bonus = self.max_bonus, self.used, math.hypot, self.bonus
        plain, boosted, boxes = self.plain, self.boosted, self.boxes
        target_box_d = self.target_box_d
        closer_available = self.closer_available
        # A bounded max-heap of the best (cost, track id) so far.
        heap: list[tuple[float, int, Candidate]] = []
        for box_d, i in self.cell_order[aim]:
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
                    d_t = hypot(c.pleasantness - tx, c.energy - ty)
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

    def run(self) -> bool:
        """Fill `path` with a full playlist; False (with `longest` the best
        prefix) when no order keeps every rule within the node budget."""
        return self._walk(0)

    def _walk(self, step: int) -> bool:
        if step == self.n:
            return True
        self.budget -= 1
        if self.budget < 0:
            return False
        path = self.path
        prev = path[-1] if path else None
        for c in self.options(step, prev):
            self._take(c)
            if len(path) > len(self.longest):
                self.longest = list(path)
            if self._walk(step + 1):
                return True
            self._give_back(c)
            if self.budget < 0:
                return False
        return False

    def _take(self, c: Candidate) -> None:
        self.path.append(c)
        self.used.add(c.track_id)
        self.used_dists.append(self.to_target(c))

    def _give_back(self, c: Candidate) -> None:
        self.path.pop()
        self.used.discard(c.track_id)
        self.used_dists.pop()
