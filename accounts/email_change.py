"""Changing one's email address: a signed link to the new address confirms
it; the old address is told when it is asked for and when it is done.

The link carries (user id, old email, new email), signed with a timestamp and
valid for MAX_AGE; it stops working once the address has changed (the old
email in it no longer matches). Confirming is a POST from the page the link
opens, so mail scanners that follow links change nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User

SALT = "attune.accounts.email-change"
MAX_AGE = 2 * 24 * 3600


class ChangeRefused(Exception):
    pass


def make_token(user: User, new_email: str) -> str:
    return signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=SALT)


def confirm_url(user: User, new_email: str) -> str:
    return settings.SITE_URL + reverse(
        "accounts:email_change_confirm", args=[make_token(user, new_email)]
    )


def read_token(token: str) -> tuple[User, str]:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ChangeRefused(
            "This link has expired. Please ask for a new one in Settings."
        ) from None
    except signing.BadSignature:
        raise ChangeRefused(
            "This link isn't valid. Please ask for a new one in Settings."
        ) from None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email != data.get("old"):
        raise ChangeRefused("This link has already been used, or the address changed since.")
    return user, str(data["new"])


def send_confirmation(user: User, new_email: str) -> None:
    context = {"user": user, "new_email": new_email, "url": confirm_url(user, new_email)}
    send_mail(
        "Confirm your new email address for Attune",
        render_to_string("emails/email_change_confirm.txt", context),
        None,
        [new_email],
    )
    send_mail(
        "Someone asked to change your Attune email address",
        render_to_string("emails/email_change_requested.txt", context),
        None,
        [user.email],
    )


def apply_change(token: str) -> User:
    user, new_email = read_token(token)
    old_email = user.email
    try:
        with transaction.atomic():
            user.email = new_email
            user.save(update_fields=["email"])
    except IntegrityError:
        raise ChangeRefused(
            "Another account uses that address now, so it can't be yours as well."
        ) from None
    send_mail(
        "Your Attune email address has changed",
        render_to_string("emails/email_change_done.txt", {"user": user, "old_email": old_email}),
        None,
        [old_email],
    )
    return user
