"""Invitations, for an Attune whose sign-up is by invitation (ATTUNE_SIGNUP=invite).

Staff create one in the admin or with `manage.py invite EMAIL`. The link
carries a random token; only its SHA-256 is stored, so the table (or a
database dump) cannot be turned into working links. An invitation is for one
address, works once, and expires after ATTUNE_INVITE_DAYS.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    email: str, created_by: User | None = None, days: int | None = None
) -> tuple[Invitation, str]:
    """A new invitation for `email`, and the token for its link (shown once)."""
    token = secrets.token_urlsafe(32)
    lifetime = dt.timedelta(days=days if days is not None else settings.ATTUNE_INVITE_DAYS)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + lifetime,
    )
    return invitation, token


def invite_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:signup')}?{urlencode({'invite': token})}"


def find(token: str) -> Invitation | None:
    """The unused, unexpired invitation this token opens, or None."""
    if not token or len(token) > 200:
        return None
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.usable:
        return None
    return invitation


def use(invitation: Invitation) -> bool:
    """Mark it used; False if another sign-up used it a moment ago."""
    return bool(
        Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def send_invitation(invitation: Invitation, token: str) -> None:
    context = {"url": invite_url(token), "expires_at": invitation.expires_at}
    send_mail(
        "You're invited to keep a journal on Attune",
        render_to_string("emails/invitation.txt", context),
        None,
        [invitation.email],
    )
