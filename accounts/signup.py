"""Who may sign up, and what sign-up does with an address that has an account.

ATTUNE_SIGNUP is "open" (anyone), "invite" (a valid invitation, see
accounts/invitations.py) or "closed" (nobody; the page says so and a POST
creates nothing).

Sign-up never says that an address already has an account: the visitor sees
"check your email" and the owner gets a note (someone tried to sign up with
your address; log in or reset your password). A new address keeps today's
flow, logged in at once, so the two outcomes differ to someone who can create
accounts; docs/accounts-hardening.md weighs that.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts import throttle
from accounts.client_ip import client_ip
from accounts.models import AccountEmail, User
from accounts.outbox import queue_email

OPEN = "open"
INVITE = "invite"
CLOSED = "closed"
MODES = (OPEN, INVITE, CLOSED)


def mode() -> str:
    value = str(getattr(settings, "ATTUNE_SIGNUP", OPEN) or OPEN).strip().lower()
    return value if value in MODES else CLOSED  # a typo closes rather than opens


def existing_account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def tell_owner(request: HttpRequest, user: User) -> None:
    """Email the owner that someone tried their address, within the same
    limits as password resets (so sign-up cannot be used to flood an inbox)."""
    if not throttle.hit("signup-ip", client_ip(request), settings.ATTUNE_RESET_PER_IP_PER_HOUR):
        return
    if not throttle.hit("signup-email", user.email, settings.ATTUNE_RESET_PER_EMAIL_PER_HOUR):
        return
    queue_email(user, AccountEmail.Kind.SIGNUP_ATTEMPT, request.get_host(), request.is_secure())
