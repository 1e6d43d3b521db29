"""Signed unsubscribe links for the reflection and reminder emails: no login
needed, one salt per purpose."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import User

# One salt per purpose: a reminder link cannot switch off reflections, and no
# other signed value in the project can be replayed as an unsubscribe token.
UNSUBSCRIBE_SALTS = {
    "reflection": "attune.unsubscribe.reflection",
    "reminder": "attune.unsubscribe.reminder",
}


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
    return settings.SITE_URL + reverse("journal:unsubscribe", args=[token])
