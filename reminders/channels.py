"""Where a reminder goes: Web Push (pywebpush, signed with our VAPID key,
encrypted per RFC 8291), email, and any Apprise URL. Each channel raises
`Undelivered` when nothing reached the person through it.

Every channel calls `commit` (reminders/delivery.py records the reminder as
sent) at the last moment before the message becomes irrevocable: before the
last byte of a push request (reminders/push_post.py), before the SMTP
terminator (journal/smtp.py), just before an Apprise notification. A worker
killed before that point leaves nothing delivered, so the reminder is sent
again; killed after it, it is never sent twice.

Apprise and pywebpush (with requests, aiohttp and cryptography under it) are
imported where a message is sent, not with the module: every process that
loads the URLs (a management command's checks, a web worker) would otherwise
carry some 30 MB of them without sending anything."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from journal.reflections.emails import UnfoldedEmail
from reminders.models import PushSubscription, ReminderPlan
from reminders.push_post import CommitPointSession, Unconfirmed
from reminders.unsubscribe import reminder_unsubscribe_url

logger = logging.getLogger(__name__)
PUSH_TTL = 4 * 3600  # a reminder hours late is not worth showing
Commit = Callable[[], None]


def no_commit_point() -> None:
    """For a send that records nothing (a test message from the settings page)."""


class Undelivered(Exception):
    pass


@dataclass(frozen=True)
class Reminder:
    title: str
    body: str
    url: str  # where a tap on it leads

    def as_json(self) -> str:
        return json.dumps({"title": self.title, "body": self.body, "url": self.url})


def send_push(user: User, reminder: Reminder, commit: Commit = no_commit_point) -> int:
    """Push to each of the person's browsers; a subscription the push service
    says is gone (404/410) is forgotten. Returns how many accepted it."""
    from pywebpush import WebPushException, webpush

    accepted = 0
    session = CommitPointSession(commit)
    for subscription in PushSubscription.objects.filter(user=user):
        endpoint = urlsplit(subscription.endpoint)
        try:
            webpush(
                subscription_info=subscription.as_info(),
                data=reminder.as_json(),
                vapid_private_key=settings.ATTUNE_VAPID_PRIVATE_KEY,
                vapid_claims={
                    "sub": settings.ATTUNE_VAPID_SUBJECT,
                    "aud": f"{endpoint.scheme}://{endpoint.netloc}",
                },
                ttl=PUSH_TTL,
                timeout=10,
                requests_session=session,
            )
        except Unconfirmed as error:
            # Recorded as sent, and all of it went out: re-sending could make
            # a duplicate, so it counts as delivered (as an unconfirmed email does).
            logger.warning("push to %s sent, not confirmed: %s", endpoint.netloc, error)
            accepted += 1
            continue
        except OSError as error:  # unreachable: nothing went out
            logger.warning("push to %s failed: %s", endpoint.netloc, type(error).__name__)
            continue
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()
            logger.warning("push to %s failed: %s", endpoint.netloc, status or error)
            continue
        accepted += 1
    return accepted


def send_apprise(plan: ReminderPlan, reminder: Reminder, commit: Commit = no_commit_point) -> int:
    """Notify every Apprise URL of the plan; returns how many took it.
    Apprise's own HTTP call has no point to hook, so the commit comes just
    before it: a worker killed during the call sends nothing twice."""
    import apprise

    accepted = 0
    for url in plan.apprise_list:
        notifier = apprise.Apprise()
        if not notifier.add(url):
            continue
        commit()
        if notifier.notify(title=reminder.title, body=f"{reminder.body}\n{reminder.url}"):
            accepted += 1
    return accepted


def valid_apprise_url(url: str) -> bool:
    import apprise

    return bool(apprise.Apprise().add(url))


def reminder_email(user: User, reminder: Reminder) -> EmailMultiAlternatives:
    """The reminder email, with the signed one-click unsubscribe link (RFC 8058)
    the reflection email has: it turns off email reminders only."""
    unsubscribe = reminder_unsubscribe_url(user)
    context = {
        "user": user,
        "reminder": reminder,
        "settings_url": settings.SITE_URL + reverse("reminders:settings"),
        "unsubscribe_url": unsubscribe,
    }
    message = UnfoldedEmail(
        subject=reminder.title,
        body=render_to_string("emails/nudge.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("emails/nudge.html", context), "text/html")
    return message


def send_email(user: User, reminder: Reminder, commit: Commit = no_commit_point) -> int:
    message = reminder_email(user, reminder)
    committed = False

    def point() -> None:
        nonlocal committed
        commit()
        committed = True

    message.commit_point = point  # type: ignore[attr-defined]  # journal/smtp.py calls it
    sent = message.send()
    if sent and not committed:  # a mail backend without a commit point
        commit()
    return sent


class LostClaim(Exception):
    """The commit point refused: another worker holds this reminder now."""


def deliver(
    user: User, plan: ReminderPlan, reminder: Reminder, commit: Commit = no_commit_point
) -> list[str]:
    """Every channel the person chose; the names of those that delivered.
    `commit` may run more than once (once per message); it raises LostClaim
    to stop everything."""
    reached: list[str] = []
    attempts = [
        ("push", plan.by_push, lambda: send_push(user, reminder, commit)),
        ("email", plan.by_email, lambda: send_email(user, reminder, commit)),
        ("apprise", bool(plan.apprise_list), lambda: send_apprise(plan, reminder, commit)),
    ]
    for name, wanted, send in attempts:
        if not wanted:
            continue
        try:
            if send():
                reached.append(name)
        except LostClaim:
            raise
        except Exception as error:  # one channel failing must not stop the others
            logger.warning("reminder by %s failed: %s", name, type(error).__name__)
    if not reached:
        raise Undelivered("no channel reached the person")
    return reached
