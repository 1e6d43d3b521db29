"""What the journal gives a new account (accounts.signals.user_signed_up)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from journal.vocabulary import ensure_default_tags


def give_default_tags(sender: object, user: User, **kwargs: Any) -> None:
    """The default context tags, as the person's own editable copies."""
    ensure_default_tags(user)
