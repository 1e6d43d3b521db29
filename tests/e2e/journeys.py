"""Data and pages the later journeys share: a user with a lived-in journal."""

from __future__ import annotations

import random
from typing import Any

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import Browsing, add_session_cookie, seed_sentinel_note


def lived_in_user(days: int = 21, email: str = "sam@example.com") -> User:
    """Weeks of check-ins (words, notes, tags, songs) and listens, some songs rated."""
    from journal.demo import seed_journal
    from music.demo import seed_music

    user = make_user(email, display_name="Sam", time_zone="Europe/London")
    rng = random.Random(3)
    tracks = seed_music(user, rng, days=days)
    seed_journal(user, rng, days=days, tracks=tracks)
    seed_sentinel_note(user)
    return user


def page_for(browsing: Browsing, user: User, **options: Any) -> Any:
    context, _ = browsing.new_context(**options)
    add_session_cookie(context, browsing.base_url, user)
    return context.new_page()
