"""Celery tasks of accounts: thin, ids in, one call into accounts.outbox."""

from __future__ import annotations

from celery import shared_task

from accounts import outbox
from accounts.models import AccountEmail, User


@shared_task(name="accounts.tasks.send_account_email", max_retries=3)
def send_account_email(email_id: int) -> None:
    """Send one queued account email; if SMTP fails the row is released and
    the sweeper tries again (bounded by AccountEmail.attempts)."""
    outbox.deliver(email_id)


@shared_task(name="accounts.tasks.sweep_account_emails")
def sweep_account_emails() -> None:
    outbox.sweep()


@shared_task(max_retries=3, autoretry_for=(OSError,), retry_backoff=True)
def send_password_reset(user_id: int, domain: str, use_https: bool) -> None:
    """A reset asked for before the outbox existed (a message already in the
    broker at upgrade time): queued as a row and sent now."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    row = AccountEmail.objects.create(
        user=user, kind=AccountEmail.Kind.PASSWORD_RESET, domain=domain, use_https=use_https
    )
    outbox.deliver(row.pk)
