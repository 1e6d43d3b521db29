"""Building the reflection and reminder emails, and the signed unsubscribe links.

Each email is three templates (subject, text, HTML). The HTML has its CSS
inlined with css_inline, no scripts and no remote images: the mood chart is
made of HTML/CSS bars.
"""

from __future__ import annotations

import datetime as dt
import email.headerregistry
import email.policy
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from journal.models import CheckIn, DailyReminder, WeeklyReflection
from journal.mood import PLEASANTNESS_WORDS
from journal.reflections import care_resources
from journal.timeline import excerpt_text

# One salt per purpose: a reminder link cannot switch off reflections, and no
# other signed value in the project can be replayed as an unsubscribe token.
UNSUBSCRIBE_SALTS = {
    "reflection": "attune.unsubscribe.reflection",
    "reminder": "attune.unsubscribe.reminder",
}
NOTE_EXCERPT_CHARS = 160


class HeaderRegistry(email.headerregistry.HeaderRegistry):
    """The standard header registry, made cheap for a batch of similar emails:
    it makes each header's class once (the stock one builds a new class with
    type() for every header of every message) and parses a header it has just
    seen once (From, MIME-Version, the parts' Content-Type, the subject of a
    week...). Header objects are immutable, so messages can share them; the
    bytes come out the same (tests/journal/test_reflection_email.py)."""

    PARSED_MAX = 256

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[email.headerregistry.BaseHeader]] = {}
        self._parsed: dict[tuple[str, str], email.headerregistry.BaseHeader] = {}

    def __getitem__(self, name: str) -> type[email.headerregistry.BaseHeader]:
        made = self._classes.get(name)
        if made is None:
            made = self._classes[name] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> email.headerregistry.BaseHeader:
        if type(value) is not str:
            return super().__call__(name, value)
        key = (name, value)
        header = self._parsed.get(key)
        if header is None:
            header = super().__call__(name, value)
            if len(self._parsed) >= self.PARSED_MAX:
                self._parsed.clear()  # per-message values (To, Message-ID) come and go
            self._parsed[key] = header
        return header


@cache
def unfolded(policy: email.policy.Policy) -> email.policy.Policy:
    # Every policy Django passes is an EmailPolicy, which takes a header_factory.
    return policy.clone(max_line_length=998, header_factory=HeaderRegistry())  # type: ignore[call-arg]


class UnfoldedEmail(EmailMultiAlternatives):
    """An email whose header lines are not folded at 78 columns. Python folds
    a long unbreakable value (the one-click List-Unsubscribe URL) into RFC 2047
    encoded-words, which mail clients cannot use as a URL; RFC 5322 allows
    lines up to 998 characters."""

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> Any:  # type: ignore[override]
        return super().message(policy=unfolded(policy))


def unsubscribe_token(user: User, purpose: str) -> str:
    return signing.dumps({"u": user.pk, "p": purpose}, salt=UNSUBSCRIBE_SALTS[purpose])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, purpose) for a genuine token, else None."""
    for purpose, salt in UNSUBSCRIBE_SALTS.items():
        try:
            data = signing.loads(token, salt=salt)
        except signing.BadSignature:
            continue
        if isinstance(data, dict) and data.get("p") == purpose and isinstance(data.get("u"), int):
            return data["u"], purpose
    return None


def unsubscribe_url(user: User, purpose: str) -> str:
    token = unsubscribe_token(user, purpose)
    return settings.SITE_URL + reverse("unsubscribe", args=[token])


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def reflection_message_id(reflection: WeeklyReflection) -> str:
    """The same Message-ID for every attempt, so a receiving server or mail
    client that sees a resend can recognise it as the same message."""
    return f"<reflection-{reflection.pk}-{reflection.week_start:%Y%m%d}@{mail_domain()}>"


def playlist_url(pk: int) -> str:
    for name in ("playlist_detail", "playlist"):
        try:
            return settings.SITE_URL + reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return settings.SITE_URL + reverse("playlists")


def week_label(week_start: dt.date) -> str:
    end = week_start + dt.timedelta(days=6)
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


def note_excerpts(reflection: WeeklyReflection, *, always: bool = False) -> dict[str, str]:
    """Short excerpts of the high and low moments' notes, decrypted now. In an
    email only for a user who asked for them; never stored in the reflection."""
    if not (always or reflection.user.reflection_include_notes):
        return {}
    content = reflection.content or {}
    wanted = {
        key: content[key]["checkin_id"]
        for key in ("high", "low")
        if isinstance(content.get(key), dict)
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


def quadrant_mix(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The quadrant shares with their running offsets, for a stacked bar."""
    out: list[dict[str, Any]] = []
    offset = 0
    for q in content.get("quadrants") or []:
        out.append(dict(q, x=offset))
        offset += q["percent"]
    return out


def reflection_context(reflection: WeeklyReflection, *, for_email: bool) -> dict[str, Any]:
    content = reflection.content or {}
    mean = content.get("mean") or {}
    previous = content.get("previous") or {}
    suggestions = [
        dict(s, url=playlist_url(s["playlist_id"]) if s.get("playlist_id") else "")
        for s in content.get("suggestions", [])
    ]
    context: dict[str, Any] = {
        "reflection": reflection,
        "user": reflection.user,
        "content": content,
        "week_label": week_label(reflection.week_start),
        "mix": quadrant_mix(content),
        "suggestions": suggestions,
        "exercise": content.get("exercise") or {},
        "pleasantness_sentence": compare(
            mean.get("pleasantness"), previous.get("pleasantness"), axis="pleasantness"
        ),
        "energy_sentence": compare(mean.get("energy"), previous.get("energy"), axis="energy"),
        "mean_words": _pleasant_words(mean["pleasantness"]) if mean else "",
        "care_resources": care_resources() if content.get("care") else [],
        "notes": note_excerpts(reflection, always=not for_email),
        "site_url": settings.SITE_URL,
        "web_url": settings.SITE_URL + reverse("reflection_detail", args=[reflection.pk]),
        "settings_url": settings.SITE_URL + reverse("settings"),
        "checkin_url": settings.SITE_URL + reverse("home"),
    }
    if for_email:
        context["unsubscribe_url"] = unsubscribe_url(reflection.user, "reflection")
    return context


@cache
def _inliner() -> css_inline.CSSInliner:
    # Only the <style> in the template itself: no remote stylesheets fetched.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def render_reflection_email(reflection: WeeklyReflection) -> EmailMultiAlternatives:
    """Render once: subject, text and HTML, with the one-click unsubscribe headers."""
    context = reflection_context(reflection, for_email=True)
    subject = " ".join(render_to_string("emails/reflection_subject.txt", context).split())
    text = render_to_string("emails/reflection.txt", context)
    html = _inliner().inline(render_to_string("emails/reflection.html", context))
    message = UnfoldedEmail(
        subject,
        text,
        to=[reflection.user.email],
        headers={
            "Message-ID": reflection_message_id(reflection),
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def render_reminder_email(reminder: DailyReminder) -> EmailMultiAlternatives:
    user = reminder.user
    url = unsubscribe_url(user, "reminder")
    context = {
        "user": user,
        "checkin_url": settings.SITE_URL + reverse("home"),
        "settings_url": settings.SITE_URL + reverse("settings"),
        "unsubscribe_url": url,
    }
    subject = " ".join(render_to_string("emails/reminder_subject.txt", context).split())
    text = render_to_string("emails/reminder.txt", context)
    html = _inliner().inline(render_to_string("emails/reminder.html", context))
    message = UnfoldedEmail(
        subject,
        text,
        to=[user.email],
        headers={
            "Message-ID": f"<reminder-{reminder.pk}-{reminder.local_date:%Y%m%d}@{mail_domain()}>",
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
