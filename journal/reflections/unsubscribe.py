"""Signed unsubscribe links for Attune's emails: no login needed, one salt per
purpose, and a small registry of purposes.

A purpose says what the email is called, whether it is on for a person, how
to turn it off, and where its settings are. journal registers "reflection"
(below); an app above journal registers its own from its AppConfig.ready()
(reminders registers "reminder", the reminder email), so the view needs no
import of any app above journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User


@dataclass(frozen=True)
class Purpose:
    name: str
    what: str  # "the weekly reflection email": "Stop <what>?"
    is_on: Callable[[User], bool]
    turn_off: Callable[[User], None]
    # What goes on after unsubscribing, said on the page.
    kept: str = "Your journal and reflections stay just as they are; only the email stops."
    settings_url: str = "accounts:settings"  # the URL name where it is turned back on

    @property
    def salt(self) -> str:
        # One salt per purpose: a reminder link cannot switch off reflections,
        # and no other signed value in the project can be replayed as a token.
        return f"attune.unsubscribe.{self.name}"


PURPOSES: dict[str, Purpose] = {}


def register(purpose: Purpose) -> None:
    PURPOSES[purpose.name] = purpose


def unsubscribe_token(user: User, purpose: str) -> str:
    return signing.dumps({"u": user.pk, "p": purpose}, salt=PURPOSES[purpose].salt)


def read_unsubscribe_token(token: str) -> tuple[int, Purpose] | None:
    """(user id, purpose) for a genuine token of a registered purpose, else None."""
    for purpose in PURPOSES.values():
        try:
            data = signing.loads(token, salt=purpose.salt)
        except signing.BadSignature:
            continue
        if (
            isinstance(data, dict)
            and data.get("p") == purpose.name
            and isinstance(data.get("u"), int)
        ):
            return data["u"], purpose
    return None


def unsubscribe_url(user: User, purpose: str) -> str:
    token = unsubscribe_token(user, purpose)
    return settings.SITE_URL + reverse("journal:unsubscribe", args=[token])


def _reflection_off(user: User) -> None:
    # The email only: the in-app reflection goes on (issue 18).
    User.objects.filter(pk=user.pk).update(reflection_enabled=False)


register(
    Purpose(
        name="reflection",
        what="the weekly reflection email",
        is_on=lambda user: user.reflection_enabled,
        turn_off=_reflection_off,
    )
)
