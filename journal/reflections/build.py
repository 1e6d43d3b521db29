"""Building a reflection's content once: the figures, the suggested playlists
(generated from the person's own music and saved) and the exercise, stored on
the WeeklyReflection by the worker that holds its delivery claim."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.db import transaction

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.content import (
    Averages,
    MusicWeek,
    QuadrantShare,
    ReflectionContent,
    Suggestion,
)
from journal.reflections.exercises import choose_exercise
from journal.reflections.rules import PRESET_NAMES, PRESET_REASONS, needs_care, suggest_presets
from journal.reflections.stats import WeekStats, compute_week_stats
from mood.values import Quadrant
from music.playlists import generate, save_plan

NO_KNOWN_FEEL = (
    "Attune doesn't know how any of your songs feel yet. Rate a few songs you love "
    "and this playlist can be made from your own music."
)
QUADRANT_ORDER = [Quadrant.YELLOW, Quadrant.GREEN, Quadrant.RED, Quadrant.BLUE, Quadrant.NEUTRAL]


def build_content(stats: WeekStats, suggestions: Sequence[Suggestion]) -> ReflectionContent:
    """What the reflection says about the week (no note text, ever)."""
    total = stats.count
    content = ReflectionContent(
        week_start=stats.week_start,
        week_end=stats.week_end,
        count=total,
        days=stats.days,
        music=MusicWeek(
            top_tracks=[t.line() for t in stats.top_tracks],
            listens=stats.listens,
            minutes=stats.listen_minutes,
        ),
        suggestions=list(suggestions),
        exercise=choose_exercise(stats),
        care=needs_care(stats),
    )
    if not total:
        return content
    mean = None
    if stats.mean_pleasantness is not None and stats.mean_energy is not None:
        mean = Averages(stats.mean_pleasantness, stats.mean_energy)
    previous = None
    if stats.previous_count:
        previous = Averages(
            stats.previous_pleasantness or 0.0, stats.previous_energy or 0.0, stats.previous_count
        )
    return ReflectionContent(
        week_start=content.week_start,
        week_end=content.week_end,
        count=content.count,
        days=content.days,
        music=content.music,
        suggestions=content.suggestions,
        exercise=content.exercise,
        care=content.care,
        mean=mean,
        previous=previous,
        quadrants=[
            QuadrantShare(
                quadrant=str(q),
                label=q.label,
                description=q.description,
                count=stats.quadrants.get(str(q), 0),
                percent=round(100 * stats.quadrants.get(str(q), 0) / total),
            )
            for q in QUADRANT_ORDER
            if stats.quadrants.get(str(q), 0)
        ],
        high=stats.high.line() if stats.high and total > 1 else None,
        low=stats.low.line() if stats.low and total > 1 else None,
        words=list(stats.words),
        tags=list(stats.tags),
    )


def suggestion_entries(user: User, stats: WeekStats) -> list[Suggestion]:
    """The suggested playlists, each generated from the user's own music with
    the iso principle (starting at the week's mood) and saved. With no songs of
    known feel, the entry keeps the preset and the engine's explanation."""
    entries: list[Suggestion] = []
    start = None
    if stats.mean_pleasantness is not None and stats.mean_energy is not None:
        start = (round(stats.mean_pleasantness), round(stats.mean_energy))
    for preset in suggest_presets(stats):
        made = _generate_playlist(user, stats, preset, start)
        entries.append(
            Suggestion(
                preset=preset,
                name=PRESET_NAMES[preset],
                why=PRESET_REASONS[preset],
                playlist_id=made.get("playlist_id"),
                tracks=made.get("tracks", 0),
                shortfall=made["shortfall"],
            )
        )
    return entries


def _generate_playlist(
    user: User, stats: WeekStats, preset: str, start: tuple[int, int] | None
) -> dict[str, Any]:
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
    """The stored content, when building it saves nothing (no songs of known
    feel, so no playlists): the delivery then stores it with the claim, in the
    same statement, instead of in a write of its own. None when playlists would
    be saved; those are built by `ensure_content` once the claim is won."""
    if stats.known_feel:
        return None
    return build_content(stats, suggestion_entries(user, stats)).to_stored()


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
        content = build_content(stats, suggestion_entries(reflection.user, stats)).to_stored()
        WeeklyReflection.objects.filter(pk=reflection.pk).update(content=content)
    reflection.content = content
    return content
