"""What the reflection page and email show: the stored content read as a
`ReflectionContent`, with sentences, links and (when allowed) note excerpts
decrypted at render time."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.conf import settings
from django.urls import reverse

from journal.models import CheckIn, WeeklyReflection
from journal.reflections.content import ReflectionContent
from journal.reflections.rules import care_resources
from journal.reflections.unsubscribe import unsubscribe_url
from journal.timeline import excerpt_text
from mood.values import PLEASANTNESS_WORDS

NOTE_EXCERPT_CHARS = 160


def playlist_url(pk: int) -> str:
    return settings.SITE_URL + reverse("music:playlist_detail", args=[pk])


@cache
def _absolute(site_url: str, name: str) -> str:
    """A link without arguments, reversed once per process (every email has
    the same settings and check-in links)."""
    return site_url + reverse(name)


def _fields(value: Any) -> dict[str, Any]:
    """A slotted dataclass as a flat dict for a template (dataclasses.asdict
    copies recursively and took a third of the context's time)."""
    return {name: getattr(value, name) for name in value.__slots__}


def week_label(week_start: dt.date) -> str:
    # min(): a week stored from an altered archive may start in the calendar's
    # last days, and a label must never be what breaks a page.
    end = week_start + dt.timedelta(days=min(6, (dt.date.max - week_start).days))
    if week_start.month == end.month:
        return f"{week_start.day}–{end.day} {end:%B %Y}"
    if week_start.year == end.year:
        return f"{week_start.day} {week_start:%B} – {end.day} {end:%B %Y}"
    return f"{week_start.day} {week_start:%B %Y} – {end.day} {end:%B %Y}"


def _pleasant_words(value: float) -> str:
    return PLEASANTNESS_WORDS[max(-4, min(4, round(value)))]


def compare(now: float | None, before: float | None, *, axis: str) -> str:
    """A plain sentence comparing this week with the four before."""
    if now is None:
        return ""
    if before is None:
        return f"Your {axis} averaged {now:+.1f} this week."
    diff = now - before
    if abs(diff) < 0.5:
        trend = "about the same as"
    elif diff > 0:
        trend = "a little higher than" if diff < 1.5 else "higher than"
    else:
        trend = "a little lower than" if diff > -1.5 else "lower than"
    return f"Your {axis} averaged {now:+.1f}, {trend} the four weeks before ({before:+.1f})."


def note_excerpts(
    reflection: WeeklyReflection, content: ReflectionContent, *, always: bool = False
) -> dict[str, str]:
    """Short excerpts of the high and low moments' notes, decrypted now. In an
    email only for a user who asked for them; never stored in the reflection."""
    if not (always or reflection.user.reflection_include_notes):
        return {}
    wanted = {
        key: moment.checkin_id
        for key, moment in (("high", content.high), ("low", content.low))
        if moment is not None and moment.checkin_id is not None
    }
    if not wanted:
        return {}
    checkins = {
        c.pk: c for c in CheckIn.objects.owned_by(reflection.user).filter(pk__in=wanted.values())
    }
    out: dict[str, str] = {}
    for key, pk in wanted.items():
        checkin = checkins.get(pk)
        if checkin is None or not checkin.note_ciphertext:
            continue
        text = excerpt_text(checkin.note)
        if len(text) > NOTE_EXCERPT_CHARS:
            text = text[: NOTE_EXCERPT_CHARS - 1].rstrip() + "…"
        out[key] = text
    return out


def quadrant_mix(content: ReflectionContent) -> list[dict[str, Any]]:
    """The quadrant shares with their running offsets, for a stacked bar."""
    out: list[dict[str, Any]] = []
    offset = 0
    for q in content.quadrants:
        out.append(_fields(q) | {"x": offset})
        offset += q.percent
    return out


def reflection_context(reflection: WeeklyReflection, *, for_email: bool) -> dict[str, Any]:
    content = ReflectionContent.from_stored(reflection.content)
    mean, previous = content.mean, content.previous
    suggestions = [
        _fields(s) | {"url": playlist_url(s.playlist_id) if s.playlist_id else ""}
        for s in content.suggestions
    ]
    context: dict[str, Any] = {
        "reflection": reflection,
        "user": reflection.user,
        "content": content,
        "week_label": week_label(reflection.week_start),
        "mix": quadrant_mix(content),
        "suggestions": suggestions,
        "exercise": content.exercise,
        "pleasantness_sentence": compare(
            mean.pleasantness if mean else None,
            previous.pleasantness if previous else None,
            axis="pleasantness",
        ),
        "energy_sentence": compare(
            mean.energy if mean else None,
            previous.energy if previous else None,
            axis="energy",
        ),
        "mean_words": _pleasant_words(mean.pleasantness) if mean else "",
        "care_resources": care_resources() if content.care else [],
        "notes": note_excerpts(reflection, content, always=not for_email),
        "site_url": settings.SITE_URL,
        "web_url": settings.SITE_URL + reverse("journal:reflection_detail", args=[reflection.pk]),
        "settings_url": _absolute(settings.SITE_URL, "accounts:settings"),
        "checkin_url": _absolute(settings.SITE_URL, "journal:home"),
    }
    if for_email:
        context["unsubscribe_url"] = unsubscribe_url(reflection.user, "reflection")
    return context
