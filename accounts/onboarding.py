"""What a new account starts with."""

from __future__ import annotations

from accounts.models import User
from accounts.signals import user_signed_up


def welcome(user: User) -> None:
    """Tell the apps a person has joined (journal gives them the default context
    tags, their own editable copies)."""
    user_signed_up.send(sender=User, user=user)
