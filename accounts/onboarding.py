"""What a new account starts with."""

from __future__ import annotations

from accounts.models import User


def welcome(user: User) -> None:
    """Give a new user the default context tags (their own, editable copies)."""
    from journal.vocabulary import ensure_default_tags

    ensure_default_tags(user)
