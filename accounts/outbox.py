"""Emails about the account that must arrive even when the broker is down.

A password reset (and the note to an owner that someone tried to sign up with
their address) is a row first (accounts.AccountEmail), written with the
request. After the commit a worker is woken by task name; if the broker can't
be reached, the request sends the email itself (the person is waiting for it
now), and if that fails too, the sweeper on beat sends it once things are
back, for up to MAX_AGE. A row is claimed with a conditional UPDATE before it
is sent and deleted once sent, so a redelivered task or a second sweep sends
nothing twice, and no row outlives its email.

The worker makes the reset token itself, so no reset link ever sits in the
broker or the table.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import throttle
from accounts.models import AccountEmail, User
from config.queue import send_by_name

logger = logging.getLogger(__name__)

SEND_TASK = "accounts.tasks.send_account_email"
# A worker that took a row and died: another may send it after this.
CLAIM = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 5
# A reset that could not be sent in an hour is dropped: the person has asked
# again or moved on, and a link arriving a day late would only confuse.
MAX_AGE = dt.timedelta(hours=1)
# The sweeper leaves rows this young to the task sent for them.
GRACE = dt.timedelta(seconds=30)


def queue_email(user: User, kind: str, domain: str, use_https: bool) -> AccountEmail:
    """Write the email's row; after commit, wake a worker or send it here."""
    row = AccountEmail.objects.create(user=user, kind=kind, domain=domain, use_https=use_https)
    transaction.on_commit(lambda: _wake_or_send(row.pk))
    return row


def _wake_or_send(email_id: int) -> None:
    if send_by_name(SEND_TASK, email_id):
        return
    try:
        deliver(email_id)
    except Exception:  # SMTP down as well: the sweeper tries again
        logger.warning("An account email could not be sent now; left for the sweeper.")


def _claim(email_id: int) -> AccountEmail | None:
    now = timezone.now()
    claimed = AccountEmail.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=email_id,
        sent_at__isnull=True,
        attempts__lt=MAX_ATTEMPTS,
    ).update(claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return AccountEmail.objects.select_related("user").get(pk=email_id)


def deliver(email_id: int) -> bool:
    """Send one queued email if nobody else is; True if this call sent it."""
    row = _claim(email_id)
    if row is None:
        return False
    user = row.user
    try:
        if user.is_active:
            message = build_message(row)
            message.send()
    except Exception:
        AccountEmail.objects.filter(pk=row.pk).update(claimed_until=None)
        raise
    row.delete()
    return True


def _context(row: AccountEmail) -> dict[str, object]:
    user = row.user
    protocol = "https" if row.use_https else "http"
    return {
        "user": user,
        "domain": row.domain,
        "protocol": protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "login_url": f"{protocol}://{row.domain}{reverse('accounts:login')}",
        "reset_url": f"{protocol}://{row.domain}{reverse('accounts:password_reset')}",
    }


def build_message(row: AccountEmail) -> EmailMultiAlternatives:
    context = _context(row)
    if row.kind == AccountEmail.Kind.SIGNUP_ATTEMPT:
        subject = "Someone tried to sign up to Attune with your address"
        body = render_to_string("emails/signup_attempt.txt", context)
        return EmailMultiAlternatives(subject, body, to=[row.user.email])
    subject = render_to_string("emails/password_reset_subject.txt", context).strip()
    body = render_to_string("emails/password_reset.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[row.user.email])
    message.attach_alternative(render_to_string("emails/password_reset.html", context), "text/html")
    return message


def sweep() -> int:
    """Wake a worker for every email still waiting (the broker was down); drop
    those too old to be useful, and old throttle counters. Runs on beat."""
    now = timezone.now()
    stale = AccountEmail.objects.filter(sent_at__isnull=True).filter(
        Q(created_at__lt=now - MAX_AGE) | Q(attempts__gte=MAX_ATTEMPTS)
    )
    dropped, _ = stale.delete()
    if dropped:
        logger.warning("%d account emails could not be sent in time and were dropped.", dropped)
    waiting = AccountEmail.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        sent_at__isnull=True,
        created_at__lt=now - GRACE,
    ).values_list("pk", flat=True)
    woken = 0
    for email_id in list(waiting):
        if send_by_name(SEND_TASK, email_id):
            woken += 1
    throttle.forget_old()
    return woken
