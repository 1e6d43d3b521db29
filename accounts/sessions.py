"""A person's sessions and login records, for when their account goes.

accounts holds these and nothing else of the person's; the app that erases an
account (journal.erasure) calls them.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User


def session_keys_of(user: User) -> list[str]:
    """Keys of the live sessions logged in as `user`, on any device."""
    wanted = str(user.pk)
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=1000):
        data = session.get_decoded()
        if data.get(SESSION_KEY) == wanted:
            keys.append(session.session_key)
    return keys


def end_sessions(user: User) -> int:
    keys = session_keys_of(user)
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def forget_login_attempts(email: str) -> None:
    """The login-attempt records kept under an email (they are not linked to
    the user row, so the cascade does not reach them)."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()
