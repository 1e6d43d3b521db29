"""The weekly reflection: what a person's past local week (Monday to Sunday) held,
which playlists might help next, and one music-therapy exercise made personal.

Statistics are computed for a whole chunk of user-weeks at once with a handful
of set-based (GROUP BY) queries, so a batch of thousands of users costs a few
queries per chunk rather than a few per user. Everything that decides what to
say (`suggest_presets`, `choose_exercise`, `needs_care`) is a pure function of
`WeekStats`, tested on hand-built weeks.

The stored content never holds note text: notes are encrypted at rest, so the
reflection keeps check-in ids and the email/page decrypt excerpts at render
time, and only for users who opted in.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F, Q, Sum, Window
from django.db.models.functions import Round, RowNumber

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, WeeklyReflection
from mood.values import Mood, Quadrant, quadrant_of
from music.models import Listen, Track, UserTrack

PRESET_NAMES = {
    "comfort": "Comfort and Solace",
    "release": "Emotional Release",
    "connection": "Connection and Community",
    "motivation": "Motivation and Empowerment",
    "calm": "Calm",
}
PRESET_REASONS = {
    "comfort": "Familiar songs that feel like company.",
    "release": "A gentle way to let some feelings out, then settle.",
    "connection": "Songs about belonging and the people who matter to you.",
    "motivation": "Starts where your energy is and lifts it, song by song.",
    "calm": "Starts where you are and slows things down, song by song.",
}
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

NO_KNOWN_FEEL = (
    "Attune doesn't know how any of your songs feel yet. Rate a few songs you love "
    "and this playlist can be made from your own music."
)

MOSTLY = 0.4  # a quadrant "dominates" a week from this share of check-ins
LOW_ENERGY = -1.5
VERY_LOW_DAY = -3.0  # a day whose mean pleasantness is this low or lower
CARE_MIN_LOW_DAYS = 3


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the week that holds `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_bounds_utc(
    week_start: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local Monday–Sunday week begins and ends. In a
    DST week this is 167 or 169 hours: seven local days, whatever the clock did."""
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    return start, end.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class Moment:
    checkin_id: int
    date: dt.date
    pleasantness: int
    energy: int

    @property
    def day(self) -> str:
        return self.date.strftime("%A")

    def as_dict(self) -> dict[str, Any]:
        mood = Mood(self.pleasantness, self.energy)
        return {
            "checkin_id": self.checkin_id,
            "date": self.date.isoformat(),
            "day": self.day,
            "pleasantness": self.pleasantness,
            "energy": self.energy,
            "quadrant": str(mood.quadrant),
            "describe": mood.describe(),
        }


@dataclass(frozen=True, slots=True)
class TrackRef:
    track_id: int
    title: str
    artist: str
    plays: int = 0
    bpm: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "track_id": self.track_id,
            "title": self.title,
            "artist": self.artist,
            "plays": self.plays,
        }


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


# --- what to suggest ------------------------------------------------------------


def suggest_presets(stats: WeekStats) -> list[str]:
    """One or two playlist presets (music/playlists.py PRESETS) for the week's
    pattern, as PRODUCT §7: mostly blue → comfort then a gentle release;
    loneliness words or little social time → connection; low energy →
    motivation; mostly red → calm. An empty week suggests nothing."""
    if not stats.count:
        return []
    out: list[str] = []
    blue = stats.mostly(Quadrant.BLUE)
    if stats.mostly(Quadrant.RED):
        out.append("calm")
    if blue:
        out.append("comfort")
    if stats.lonely:
        out.append("connection")
    if stats.low_energy and not blue:
        out.append("motivation")
    if blue:
        out.append("release")
    if not out:
        out.append(
            {
                Quadrant.YELLOW: "motivation",
                Quadrant.GREEN: "calm",
                Quadrant.RED: "calm",
                Quadrant.BLUE: "comfort",
            }.get(stats.dominant or Quadrant.NEUTRAL, "comfort")
        )
    deduped = list(dict.fromkeys(out))
    return deduped[:2]


def needs_care(stats: WeekStats) -> bool:
    """Sustained very low mood: several days whose mood sat near the bottom of
    the grid, making up most of the days the person checked in."""
    if stats.low_days < CARE_MIN_LOW_DAYS or not stats.days:
        return False
    return stats.low_days / stats.days >= 0.6


EXERCISE_KINDS = ("songwriting", "improvisation", "imagery", "rhythm")


def choose_exercise(stats: WeekStats) -> dict[str, Any]:
    """One music-therapy exercise from the seed essay, personalised with the week."""
    kind: str
    if stats.mostly(Quadrant.RED):
        kind = "rhythm"
    elif stats.lonely:
        kind = "improvisation"
    elif stats.mostly(Quadrant.BLUE) and (stats.top_tracks or stats.words):
        kind = "songwriting"
    elif (stats.low_energy or stats.mostly(Quadrant.GREEN)) and stats.calm_track:
        kind = "imagery"
    else:
        kind = EXERCISE_KINDS[stats.week_start.isocalendar().week % len(EXERCISE_KINDS)]
    return EXERCISE_BUILDERS[kind](stats)


def _songwriting(stats: WeekStats) -> dict[str, Any]:
    top_words = [word for word, _ in stats.words[:3]]
    if stats.top_tracks:
        track = stats.top_tracks[0]
        steps = [
            f"Play “{track.title}” by {track.artist} once more, with the lyrics in front "
            "of you if you can find them.",
            "Underline the line that feels closest to your week. What is it saying for you?",
            "Write two lines of your own that answer it. They don't need to rhyme.",
        ]
        intro = f"“{track.title}” kept you company this week. Let it help you find words."
        return {
            "kind": "songwriting",
            "title": "Lyric reflection",
            "intro": intro,
            "steps": steps,
            "track": track.as_dict(),
        }
    words = ", ".join(top_words) if top_words else "how this week felt"
    return {
        "kind": "songwriting",
        "title": "A short verse of your own",
        "intro": f"This week you reached for: {words}.",
        "steps": [
            "Write a four-line verse that uses those words. Any melody, or none, is fine.",
            "Read or sing it aloud once. Notice which line feels truest.",
            "Keep it, change it, or let it go. It's yours.",
        ],
    }


def _improvisation(stats: WeekStats) -> dict[str, Any]:
    return {
        "kind": "improvisation",
        "title": "A musical conversation",
        "intro": "Music can be a way to talk without needing the right words.",
        "steps": [
            "Hum, whistle or tap a short phrase, a few seconds long.",
            "Answer it with another phrase, as if someone were replying to you.",
            "If you can, try it with a friend over a call: one of you plays a phrase, "
            "the other answers. There is no wrong note.",
        ],
    }


def _imagery(stats: WeekStats) -> dict[str, Any]:
    track = stats.calm_track
    listen = (
        f"Put on “{track.title}” by {track.artist}, one of your calmer songs,"
        if track
        else "Put on a quiet piece of music you like,"
    )
    out: dict[str, Any] = {
        "kind": "imagery",
        "title": "Guided imagery with music",
        "intro": "A few minutes to rest your mind on a place that feels safe.",
        "steps": [
            f"{listen} and sit or lie somewhere comfortable.",
            "Close your eyes and picture a place where you feel at ease, real or imagined.",
            "Let the music move through the scene: what do you see, hear, feel? "
            "When the song ends, take one slow breath before you open your eyes.",
        ],
    }
    if track:
        out["track"] = track.as_dict()
    return out


def _rhythm(stats: WeekStats) -> dict[str, Any]:
    tempo = stats.tempo or 90
    source = (
        "the tempo of the music you play most"
        if stats.tempo
        else "about the pace of a relaxed walk"
    )
    return {
        "kind": "rhythm",
        "title": "Drumming and rhythm",
        "intro": f"A steady beat at {tempo} beats per minute — {source}.",
        "tempo": tempo,
        "steps": [
            f"Tap a steady beat at about {tempo} BPM on a table, a drum or your knees.",
            "Let it get louder for a minute if that feels good, then softer.",
            "Slow it down little by little until your breathing slows with it.",
        ],
    }


EXERCISE_BUILDERS = {
    "songwriting": _songwriting,
    "improvisation": _improvisation,
    "imagery": _imagery,
    "rhythm": _rhythm,
}


# --- set-based statistics for a chunk of user-weeks ------------------------------


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
    tracks = {
        t.pk: t
        for t in Track.objects.filter(pk__in=track_ids)
        .select_related("artist")
        .only("id", "title", "bpm", "artist__name")
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
        stats.known_feel = known.get(user_id, 0)
        if user_id in calm_ids and calm_ids[user_id] in tracks:
            stats.calm_track = _ref(tracks[calm_ids[user_id]], 0)


def _ref(track: Track, plays: int) -> TrackRef:
    return TrackRef(track.pk, track.title, track.artist.name, plays, track.bpm)


# --- the stored content -----------------------------------------------------------


def build_content(stats: WeekStats, suggestions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The JSON stored on WeeklyReflection.content (no note text, ever)."""
    base: dict[str, Any] = {
        "version": 1,
        "week_start": stats.week_start.isoformat(),
        "week_end": stats.week_end.isoformat(),
        "count": stats.count,
        "days": stats.days,
        "empty": stats.count == 0,
        "music": {
            "top_tracks": [t.as_dict() for t in stats.top_tracks],
            "listens": stats.listens,
            "minutes": stats.listen_minutes,
        },
        "suggestions": list(suggestions),
        "exercise": choose_exercise(stats),
        "care": needs_care(stats),
    }
    if not stats.count:
        return base
    total = stats.count
    order = [Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL]
    base.update(
        {
            "mean": {"pleasantness": stats.mean_pleasantness, "energy": stats.mean_energy},
            "previous": (
                {
                    "pleasantness": stats.previous_pleasantness,
                    "energy": stats.previous_energy,
                    "count": stats.previous_count,
                }
                if stats.previous_count
                else None
            ),
            "quadrants": [
                {
                    "quadrant": str(q),
                    "label": q.label,
                    "description": q.description,
                    "count": stats.quadrants.get(str(q), 0),
                    "percent": round(100 * stats.quadrants.get(str(q), 0) / total),
                }
                for q in order
                if stats.quadrants.get(str(q), 0)
            ],
            "high": stats.high.as_dict() if stats.high and total > 1 else None,
            "low": stats.low.as_dict() if stats.low and total > 1 else None,
            "words": [[w, n] for w, n in stats.words],
            "tags": [[t, n] for t, n in stats.tags],
        }
    )
    return base


def suggestion_entries(user: User, stats: WeekStats) -> list[dict[str, Any]]:
    """The suggested playlists, each generated from the user's own music with
    the iso principle (starting at the week's mood) and saved. With no songs of
    known feel, the entry keeps the preset and the engine's explanation."""
    entries: list[dict[str, Any]] = []
    start = None
    if stats.mean_pleasantness is not None and stats.mean_energy is not None:
        start = (round(stats.mean_pleasantness), round(stats.mean_energy))
    for preset in suggest_presets(stats):
        entry: dict[str, Any] = {
            "preset": preset,
            "name": PRESET_NAMES[preset],
            "why": PRESET_REASONS[preset],
            "playlist_id": None,
            "tracks": 0,
        }
        entry.update(_generate_playlist(user, stats, preset, start))
        entries.append(entry)
    return entries


def _generate_playlist(
    user: User, stats: WeekStats, preset: str, start: tuple[int, int] | None
) -> dict[str, Any]:
    from music.playlists import generate, save_plan

    if not stats.known_feel:
        # Nothing to build from: skip the engine (a fast path for the weekly batch).
        return {"shortfall": NO_KNOWN_FEEL}
    point = (float(start[0]), float(start[1])) if start else None
    plan = generate(user, preset=preset, start=point, seed=stats.week_start.toordinal())
    if not plan.tracks:
        return {"shortfall": plan.shortfall or ""}
    name = f"{PRESET_NAMES[preset]} · week of {stats.week_start.day} {stats.week_start:%B}"
    playlist = save_plan(user, plan, name=name)
    return {
        "playlist_id": playlist.pk,
        "tracks": len(plan.tracks),
        "shortfall": plan.shortfall or "",
    }


def content_without_writes(user: User, stats: WeekStats) -> dict[str, Any] | None:
    """The content, when building it saves nothing (no songs of known feel, so
    no playlists): the delivery then stores it with the claim, in the same
    statement, instead of in a write of its own. None when playlists would be
    saved; those are built by `ensure_content` once the claim is won."""
    if stats.known_feel:
        return None
    return build_content(stats, suggestion_entries(user, stats))


def ensure_content(reflection: WeeklyReflection, stats: WeekStats | None = None) -> dict[str, Any]:
    """Compute and store the reflection's content once. Called only by the worker
    holding the delivery claim, so the playlists are saved once."""
    if reflection.content:
        return reflection.content
    if stats is None:
        stats = compute_week_stats([(reflection.user, reflection.week_start)])[
            (reflection.user_id, reflection.week_start)
        ]
    # Saved playlists and the content that links them commit together (a
    # transaction only when there are playlists to save: one write otherwise).
    with transaction.atomic() if stats.known_feel else nullcontext():
        content = build_content(stats, suggestion_entries(reflection.user, stats))
        WeeklyReflection.objects.filter(pk=reflection.pk).update(content=content)
    reflection.content = content
    return content


def care_resources() -> list[str]:
    """The deployment's help resources, one paragraph per line."""
    text: str = settings.ATTUNE_CARE_RESOURCES
    return [line.strip() for line in text.splitlines() if line.strip()]
