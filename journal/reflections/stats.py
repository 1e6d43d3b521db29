"""The figures of a person's past local week (Monday to Sunday), for the weekly
reflection.

Statistics are computed for a whole chunk of user-weeks at once with a handful
of set-based (GROUP BY) queries, so a batch of thousands of users costs a few
queries per chunk rather than a few per user. What to say about the figures is
decided elsewhere (rules.py, exercises.py), by pure functions of `WeekStats`.

No note text is ever read here: notes are encrypted at rest, and the
reflection keeps check-in ids only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Round, RowNumber

from accounts.models import User
from journal.listening import heard_by_users
from journal.models import CheckIn, CheckInTrack
from journal.reflections.content import MomentLine, TrackLine
from journal.reflections.weeks import week_bounds_utc
from mood.values import Mood, Quadrant, quadrant_of
from music.models import Artist, Listen, Track, UserTrack

# Words and tags that point to loneliness or to time with others. Matched on the
# emotion word / tag name, case-insensitively.
LONELY_WORDS = frozenset(
    {
        "lonely",
        "isolated",
        "left out",
        "disconnected",
        "alone",
        "abandoned",
        "excluded",
        "homesick",
        "forgotten",
        "invisible",
        "withdrawn",
        "unwanted",
    }
)
SOCIAL_TAGS = frozenset(
    {"time with friends", "sang or played with others", "went to a concert", "family", "friends"}
)
ALONE_TAGS = frozenset({"alone time"})

MOSTLY = 0.4  # a quadrant "dominates" a week from this share of check-ins
LOW_ENERGY = -1.5
VERY_LOW_DAY = -3.0  # a day whose mean pleasantness is this low or lower


@dataclass(frozen=True, slots=True)
class Moment:
    checkin_id: int
    date: dt.date
    pleasantness: int
    energy: int

    @property
    def day(self) -> str:
        return self.date.strftime("%A")

    def line(self) -> MomentLine:
        mood = Mood(self.pleasantness, self.energy)
        return MomentLine(
            checkin_id=self.checkin_id,
            date=self.date,
            day=self.day,
            pleasantness=self.pleasantness,
            energy=self.energy,
            quadrant=str(mood.quadrant),
            describe=mood.describe(),
        )


@dataclass(frozen=True, slots=True)
class TrackRef:
    track_id: int
    title: str
    artist: str
    plays: int = 0
    bpm: float | None = None

    def line(self) -> TrackLine:
        return TrackLine(self.track_id, self.title, self.artist, self.plays)


@dataclass(slots=True)
class WeekStats:
    """Everything the reflection says about one user's week (no note text)."""

    user_id: int
    week_start: dt.date
    count: int = 0
    days: int = 0
    mean_pleasantness: float | None = None
    mean_energy: float | None = None
    previous_count: int = 0
    previous_pleasantness: float | None = None
    previous_energy: float | None = None
    quadrants: Counter[str] = field(default_factory=Counter)
    high: Moment | None = None
    low: Moment | None = None
    words: list[tuple[str, int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    top_tracks: list[TrackRef] = field(default_factory=list)
    heard_around: list[TrackRef] = field(default_factory=list)  # plays = check-ins
    listens: int = 0
    listen_minutes: int = 0
    tempo: int | None = None
    calm_track: TrackRef | None = None
    low_days: int = 0
    known_feel: int = 0  # the user's songs whose feel is known (playlist material)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    def share(self, quadrant: Quadrant) -> float:
        return self.quadrants.get(str(quadrant), 0) / self.count if self.count else 0.0

    @property
    def dominant(self) -> Quadrant | None:
        if not self.count:
            return None
        name, _ = max(self.quadrants.items(), key=lambda item: (item[1], item[0] != "neutral"))
        return Quadrant(name)

    def mostly(self, quadrant: Quadrant) -> bool:
        return self.dominant == quadrant and self.share(quadrant) >= MOSTLY

    @property
    def lonely_words(self) -> int:
        return sum(n for word, n in self.words if word.lower() in LONELY_WORDS)

    @property
    def social_tags(self) -> int:
        return sum(n for tag, n in self.tags if tag.lower() in SOCIAL_TAGS)

    @property
    def alone_tags(self) -> int:
        return sum(n for tag, n in self.tags if tag.lower() in ALONE_TAGS)

    @property
    def lonely(self) -> bool:
        """Loneliness words, or alone time again and again with no time with others."""
        return self.lonely_words > 0 or (self.alone_tags >= 2 and self.social_tags == 0)

    @property
    def low_energy(self) -> bool:
        return self.mean_energy is not None and self.mean_energy <= LOW_ENERGY


def compute_week_stats(
    pairs: Iterable[tuple[User, dt.date]],
) -> dict[tuple[int, dt.date], WeekStats]:
    """Statistics for many (user, week_start) pairs: a fixed number of GROUP BY
    queries per distinct week, however many users and time zones share it."""
    by_week: dict[dt.date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for user, week_start in pairs:
        by_week[week_start][user.zone.key].append(user.pk)
    out: dict[tuple[int, dt.date], WeekStats] = {}
    for week_start, zones in by_week.items():
        ids = [pk for zone_ids in zones.values() for pk in zone_ids]
        for user_id in ids:
            out[(user_id, week_start)] = WeekStats(user_id=user_id, week_start=week_start)
        # Check-in statistics use the stored local date; listens are bounded by
        # each zone's own UTC week (one OR-ed condition per zone, one query).
        _add_checkin_stats(out, week_start, ids)
        _add_music_stats(out, week_start, zones)
    return out


def _add_checkin_stats(
    out: dict[tuple[int, dt.date], WeekStats], week_start: dt.date, ids: list[int]
) -> None:
    week_end = week_start + dt.timedelta(days=6)
    in_week = CheckIn.objects.live().filter(
        user_id__in=ids, local_date__range=(week_start, week_end)
    )
    per_day: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for pk, user_id, local_date, p, e in in_week.order_by("felt_at", "id").values_list(
        "id", "user_id", "local_date", "pleasantness", "energy"
    ):
        stats = out[(user_id, week_start)]
        stats.count += 1
        stats.quadrants[str(quadrant_of(p, e))] += 1
        moment = Moment(pk, local_date, p, e)
        if stats.high is None or (p, e) >= (stats.high.pleasantness, stats.high.energy):
            stats.high = moment
        if stats.low is None or (p, -e) < (stats.low.pleasantness, -stats.low.energy):
            stats.low = moment
        per_day[(user_id, local_date)].append(p)
    for row in in_week.values("user_id").annotate(p=Avg("pleasantness"), e=Avg("energy")):
        stats = out[(row["user_id"], week_start)]
        stats.mean_pleasantness = round(row["p"], 1)
        stats.mean_energy = round(row["e"], 1)
    for (user_id, _day), values in per_day.items():
        stats = out[(user_id, week_start)]
        stats.days += 1
        if sum(values) / len(values) <= VERY_LOW_DAY:
            stats.low_days += 1
    for row in (
        CheckIn.objects.live()
        .filter(
            user_id__in=ids,
            local_date__range=(
                week_start - dt.timedelta(days=28),
                week_start - dt.timedelta(days=1),
            ),
        )
        .values("user_id")
        .annotate(n=Count("id"), p=Avg("pleasantness"), e=Avg("energy"))
    ):
        stats = out[(row["user_id"], week_start)]
        stats.previous_count = row["n"]
        stats.previous_pleasantness = round(row["p"], 1)
        stats.previous_energy = round(row["e"], 1)
    live_week = {
        "checkin__user_id__in": ids,
        "checkin__local_date__range": (week_start, week_end),
        "checkin__deleted_at__isnull": True,
    }
    word_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for wrow in (
        CheckIn.words.through.objects.filter(**live_week)
        .values("checkin__user_id", "emotionword__word")
        .annotate(n=Count("id"))
    ):
        word_counts[wrow["checkin__user_id"]][wrow["emotionword__word"]] += wrow["n"]
    tag_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for trow in (
        CheckIn.tags.through.objects.filter(**live_week)
        .values("checkin__user_id", "tag__name")
        .annotate(n=Count("id"))
    ):
        tag_counts[trow["checkin__user_id"]][trow["tag__name"]] += trow["n"]
    for user_id in ids:
        stats = out[(user_id, week_start)]
        stats.words = _top(word_counts.get(user_id, Counter()), 6)
        stats.tags = _top(tag_counts.get(user_id, Counter()), 6)


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0].lower()))[:n]


def _add_music_stats(
    out: dict[tuple[int, dt.date], WeekStats],
    week_start: dt.date,
    zones: dict[str, list[int]],
) -> None:
    ids = [pk for zone_ids in zones.values() for pk in zone_ids]
    in_week = Q()
    for zone_name, zone_ids in zones.items():
        start, end = week_bounds_utc(week_start, zoneinfo.ZoneInfo(zone_name))
        in_week |= Q(user_id__in=zone_ids, played_at__gte=start, played_at__lt=end)
    plays: dict[int, Counter[int]] = defaultdict(Counter)
    ms_played: Counter[int] = Counter()
    for lrow in (
        Listen.objects.filter(in_week)
        .values("user_id", "track_id")
        .annotate(n=Count("id"), ms=Sum("ms_played"))
    ):
        stats = out[(lrow["user_id"], week_start)]
        stats.listens += lrow["n"]
        ms_played[lrow["user_id"]] += lrow["ms"] or 0
        plays[lrow["user_id"]][lrow["track_id"]] += lrow["n"]
    # The week's listening context (journal/listening.py): songs playing in
    # the half hour before its check-ins, not added to them, listed apart from
    # the songs played and added, with the number of check-ins they were
    # heard around. One query for the whole batch.
    around: dict[int, Counter[int]] = defaultdict(Counter)
    for user_id, row in heard_by_users(ids, week_start, week_start + dt.timedelta(days=6)):
        around[user_id][row.track_id] += 1
    for crow in (
        CheckInTrack.objects.filter(
            checkin__user_id__in=ids,
            checkin__local_date__range=(week_start, week_start + dt.timedelta(days=6)),
            checkin__deleted_at__isnull=True,
        )
        .values("checkin__user_id", "track_id")
        .annotate(n=Count("id"))
    ):
        plays[crow["checkin__user_id"]][crow["track_id"]] += crow["n"]
    # A calm track per user for guided imagery: their comfort songs first, then
    # the most played, among tracks that feel pleasant and low in energy.
    calm = (
        UserTrack.objects.filter(user_id__in=ids, feel_pleasantness__gt=0, feel_energy__lte=0)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("is_comfort").desc(), F("play_count").desc(), F("id").asc()],
            )
        )
        .filter(rank=1)
        .values_list("user_id", "track_id")
    )
    calm_ids = dict(calm)
    known = dict(
        UserTrack.objects.filter(
            user_id__in=ids, feel_pleasantness__isnull=False, feel_energy__isnull=False
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    top_ids = {tid for counter in plays.values() for tid, _ in counter.most_common(3)}
    track_ids = top_ids | set(calm_ids.values()) | {t for c in plays.values() for t in c}
    track_ids |= {t for c in around.values() for t in c}
    # Each track's artist name looked up by primary key: joined, PostgreSQL
    # hashed the whole artist table (a fifth of a batch's time with 100,000
    # people's libraries); and no ORDER BY, the tracks are looked up by id.
    artist_name = Artist.objects.filter(pk=OuterRef("artist_id")).values("name")[:1]
    tracks = {
        t.pk: t
        for t in Track.objects.filter(pk__in=track_ids)
        .order_by()
        .only("id", "title", "bpm")
        .annotate(artist_name=Subquery(artist_name))
    }
    # The tempo a user listens to most: their plays bucketed to 5 BPM, this
    # week's first, else everything they have played.
    all_time: dict[int, Counter[int]] = defaultdict(Counter)
    for brow in (
        UserTrack.objects.filter(user_id__in=ids, track__bpm__isnull=False, play_count__gt=0)
        .annotate(bucket=Round(F("track__bpm") / 5.0))
        .values("user_id", "bucket")
        .annotate(plays=Sum("play_count"))
    ):
        all_time[brow["user_id"]][int(brow["bucket"]) * 5] += brow["plays"]
    for user_id in ids:
        stats = out[(user_id, week_start)]
        stats.listen_minutes = round(ms_played[user_id] / 60000)
        counter = plays.get(user_id, Counter())
        stats.top_tracks = [
            _ref(tracks[tid], n)
            for tid, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:3]
            if tid in tracks
        ]
        week_tempo: Counter[int] = Counter()
        for tid, n in counter.items():
            bpm = tracks[tid].bpm if tid in tracks else None
            if bpm:
                week_tempo[round(bpm / 5) * 5] += n
        tempo_counts = week_tempo or all_time.get(user_id, Counter())
        if tempo_counts:
            stats.tempo = max(tempo_counts.items(), key=lambda item: (item[1], -item[0]))[0]
        stats.heard_around = [
            _ref(tracks[tid], n)
            for tid, n in sorted(
                around.get(user_id, Counter()).items(), key=lambda i: (-i[1], i[0])
            )[:3]
            if tid in tracks
        ]
        stats.known_feel = known.get(user_id, 0)
        if user_id in calm_ids and calm_ids[user_id] in tracks:
            stats.calm_track = _ref(tracks[calm_ids[user_id]], 0)


def _ref(track: Track, plays: int) -> TrackRef:
    return TrackRef(track.pk, track.title, track.artist_name, plays, track.bpm)  # type: ignore[attr-defined]
