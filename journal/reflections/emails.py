"""Building the reflection email (the unsubscribe links are in
unsubscribe.py, what a reflection shows in context.py).

Each email is three templates (subject, text, HTML). The HTML has its CSS
inlined with css_inline, no scripts and no remote images: the mood chart is
made of HTML/CSS bars.
"""

from __future__ import annotations

import email.headerregistry
import email.policy
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from journal.models import WeeklyReflection
from journal.reflections.context import reflection_context


class _FoldsOnce:
    """A header that keeps its folded form for the policy settings it was last
    folded with. Messages share header objects (below), and writing each
    message out folds every header again: a fifth of the time a message took
    to become bytes went into re-folding the same From, MIME-Version, Subject
    and the parts' Content-Type."""

    def fold(self, *, policy: email.policy.Policy) -> str:
        # Folding reads these three settings of the policy and nothing else
        # (email._header_value_parser); the generator clones the policy for
        # every part, so it is compared by them, not by identity.
        settings = (policy.max_line_length, policy.utf8, policy.linesep)  # type: ignore[attr-defined]
        memo: tuple[Any, str] | None = self.__dict__.get("_attune_folded")
        if memo is not None and memo[0] == settings:
            return memo[1]
        folded: str = super().fold(policy=policy)  # type: ignore[misc]
        self.__dict__["_attune_folded"] = (settings, folded)
        return folded


class HeaderRegistry(email.headerregistry.HeaderRegistry):
    """The standard header registry, made cheap for a batch of similar emails:
    it makes each header's class once (the stock one builds a new class with
    type() for every header of every message), parses a header it has just
    seen once (From, MIME-Version, the parts' Content-Type, the subject of a
    week...) and folds it once per policy. Header objects are immutable, so
    messages can share them; the bytes come out the same
    (tests/journal/test_reflection_email.py)."""

    PARSED_MAX = 256

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[email.headerregistry.BaseHeader]] = {}
        self._parsed: dict[tuple[str, str], email.headerregistry.BaseHeader] = {}

    def __getitem__(self, name: str) -> type[email.headerregistry.BaseHeader]:
        made = self._classes.get(name)
        if made is None:
            stock = super().__getitem__(name)
            made = self._classes[name] = type(stock.__name__, (_FoldsOnce, stock), {})
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


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def reflection_message_id(reflection: WeeklyReflection) -> str:
    """The same Message-ID for every attempt, so a receiving server or mail
    client that sees a resend can recognise it as the same message."""
    return f"<reflection-{reflection.pk}-{reflection.week_start:%Y%m%d}@{mail_domain()}>"


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
