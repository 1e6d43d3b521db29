"""A person's sessions and login records, for when their account goes.

accounts holds these and nothing else of the person's; the app that erases an
account (journal.erasure) calls them.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from accounts.models import AccountEmail, Invitation, Session, User


def session_keys_of(user: User) -> list[str]:
    """Keys of the sessions logged in as `user`, on any device: found by the
    indexed user column (config.sessions writes it), no session decoded."""
    return list(Session.objects.filter(user_id=user.pk).values_list("session_key", flat=True))


def end_sessions(user: User) -> int:
    deleted, _ = Session.objects.filter(user_id=user.pk).delete()
    return deleted


def forget_login_attempts(email: str) -> None:
    """The login-attempt records kept under an email (they are not linked to
    the user row, so the cascade does not reach them)."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


def forget_account(user: User) -> None:
    """What accounts keeps of a person beyond the cascade from the user row:
    sessions, login records, invitations sent to their address (an inviter's
    own invitations keep no link to them: created_by is set to NULL)."""
    end_sessions(user)
    forget_login_attempts(user.email)
    Invitation.objects.filter(email__iexact=user.email).delete()
    AccountEmail.objects.filter(user=user).delete()
