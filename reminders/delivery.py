"""Sending a reminder exactly once per user and slot: the state machine on
ReminderSend (the same shape as the weekly reflections', journal/delivery.py).

    pending ──claim──▶ sending ──sent (fenced on the attempt)──▶ sent
       ▲                 │  (lease_until, attempts + 1)
       └─ lease expired ─┘──── out of attempts ──▶ failed
    pending/sending ── checked in / quiet / nowhere to send ──▶ skipped

* **Claim:** one conditional UPDATE takes a row that is pending, or sending
  with an expired lease (its worker was killed), with attempts left. Only the
  worker whose UPDATE changed the row sends.
* **Commit point:** `sent` is written, in its own committed UPDATE fenced on
  this worker's attempt, at the last moment before the first message becomes
  irrevocable: before the last byte of a push request, before the SMTP
  terminator, before an Apprise call (reminders/channels.py). A worker killed
  before it leaves nothing delivered and the row is claimed again when the
  lease runs out; killed after it, the row is sent and nothing goes twice.
* **Nothing reached them:** every channel failed while the worker was alive
  (a push service answering 500, the mail server down): the row goes back to
  pending, fenced on the attempt, for the next pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn
from reminders.channels import LostClaim, Reminder, Undelivered, deliver
from reminders.models import ReminderPlan, ReminderSend
from reminders.schedule import part_of_day

logger = logging.getLogger(__name__)
Status = ReminderSend.Status

TITLE = "A moment for yourself?"
BODY = "If you have a moment, how are you feeling right now? One tap is enough."
LISTENING_BODY = "How are you feeling after that music?"


def claimable(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now)


def claim(pk: int) -> ReminderSend | None:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=int(settings.ATTUNE_REMINDER_LEASE_SECONDS))
    limit = int(settings.ATTUNE_REMINDER_MAX_ATTEMPTS)
    taken = ReminderSend.objects.filter(claimable(now), pk=pk, attempts__lt=limit).update(
        status=Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    if not taken:
        ReminderSend.objects.filter(claimable(now), pk=pk, attempts__gte=limit).update(
            status=Status.FAILED, detail="Out of attempts."
        )
        return None
    return ReminderSend.objects.select_related("user").get(pk=pk)


def finish(send: ReminderSend, status: str, detail: str = "") -> bool:
    """Write the outcome, fenced on this worker's attempt. (Outside any
    transaction, as the worker runs: committed when it returns.)"""
    fields: dict[str, object] = {"status": status, "detail": detail[:300], "lease_until": None}
    if status == Status.SENT:
        fields["sent_at"] = timezone.now()
    return bool(
        ReminderSend.objects.filter(
            pk=send.pk, status=Status.SENDING, attempts=send.attempts
        ).update(**fields)
    )


def commit_point(send: ReminderSend) -> Callable[[], None]:
    """Mark the reminder sent the first time a channel is about to deliver;
    LostClaim if this worker's attempt is no longer the current one."""
    committed = False

    def point() -> None:
        nonlocal committed
        if committed:
            return
        if not finish(send, Status.SENT, "Sending."):
            raise LostClaim
        committed = True

    return point


def why_not(send: ReminderSend, plan: ReminderPlan | None) -> str:
    """Why this reminder should not go now ("" when it should)."""
    user = send.user
    if not user.is_active or plan is None or not plan.goes_somewhere:
        return "Nowhere to send it."
    if send.slot == ReminderSend.LISTENING and not plan.after_listening:
        return "After-listening nudges are off."
    local = send.due_at.astimezone(user.zone)
    if plan.is_quiet(local.time()):
        return "Quiet hours."
    part = part_of_day(local.time())
    for felt_at in (
        CheckIn.objects.owned_by(user)
        .filter(local_date=send.local_date)
        .values_list("felt_at", flat=True)
    ):
        if part_of_day(felt_at.astimezone(user.zone).time()) == part:
            return f"Already checked in this {part}."
    return ""


def reminder_for(send: ReminderSend) -> Reminder:
    url = settings.SITE_URL + reverse("journal:home")
    body = LISTENING_BODY if send.slot == ReminderSend.LISTENING else BODY
    return Reminder(title=TITLE, body=body, url=url)


def deliver_one(pk: int) -> str:
    send = claim(pk)
    if send is None:
        return "not claimed"
    plan = ReminderPlan.objects.filter(user=send.user).first()
    reason = why_not(send, plan)
    if reason:
        finish(send, Status.SKIPPED, reason)
        return "skipped"
    assert plan is not None
    mine = ReminderSend.objects.filter(
        pk=send.pk, status__in=[Status.SENDING, Status.SENT], attempts=send.attempts
    )
    try:
        reached = deliver(send.user, plan, reminder_for(send), commit_point(send))
    except LostClaim:
        logger.warning("reminder %s: lease lost to another worker; not sent", send.pk)
        return "not claimed"
    except Undelivered as error:
        # Nothing reached them: the row is claimable again for the next attempt.
        mine.update(status=Status.PENDING, lease_until=None, sent_at=None, detail=str(error))
        return "retry"
    mine.update(detail="By " + ", ".join(reached) + ".")
    return "sent"


def deliver_reminders(ids: Sequence[int]) -> int:
    return sum(deliver_one(pk) == "sent" for pk in ids)
