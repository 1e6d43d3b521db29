"""Delivering reflections exactly once: the state machine on WeeklyReflection.

    pending ──claim──▶ sending ──commit point──▶ sent
       ▲                  │  (lease_until, attempts + 1)
       └──error, retry────┘──────── out of attempts ──▶ failed

* **Claim**: one conditional UPDATE moves a reflection to `sending` only if it
  is pending, or sending with an expired lease (its worker died), and it still
  has attempts left. Only the worker whose UPDATE changed the row may send.
* **Commit point**: the row becomes `sent` in its own committed UPDATE while
  the SMTP transaction is open, after the whole message is written and before
  the terminator that makes the server accept it (journal/smtp.py). The
  UPDATE is fenced on the attempt number, so a worker that lost its lease
  cannot mark (or send) someone else's attempt.
* **Bound**: each claim spends one attempt; a reflection whose attempts are
  used up is marked `failed` with its last error, visible in the admin and in
  `send_reflections` output.

docs/reflections-delivery.md walks through every crash point.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from journal.models import WeeklyReflection
from journal.reflections.build import content_without_writes, ensure_content
from journal.reflections.emails import render_reflection_email
from journal.reflections.stats import compute_week_stats

logger = logging.getLogger(__name__)
Status = WeeklyReflection.Status


def lease_seconds() -> int:
    return int(settings.ATTUNE_REFLECTION_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.ATTUNE_REFLECTION_MAX_ATTEMPTS)


def claimable(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now)


CLAIM_SQL = """
UPDATE {table} SET status = %s, lease_until = %s, attempts = attempts + 1,
       content = CASE WHEN content = %s THEN %s ELSE content END
 WHERE id = %s AND attempts < %s
   AND (status = %s OR (status = %s AND lease_until < %s))
RETURNING attempts, content = %s
"""


def _table() -> str:
    return connection.ops.quote_name(WeeklyReflection._meta.db_table)


def _json(value: dict[str, Any]) -> Any:
    return WeeklyReflection._meta.get_field("content").get_db_prep_value(value, connection)


def claim(
    pk: int, loaded: WeeklyReflection | None = None, content: dict[str, Any] | None = None
) -> WeeklyReflection | None:
    """Take the reflection for this worker, or None if someone else has it, it is
    finished, or it has no attempts left (then it is marked failed).

    One conditional UPDATE ... RETURNING (PostgreSQL, and SQLite >= 3.35): the
    attempt number it returns fences every later write of this attempt. The
    same statement stores `content` (built before the claim because building
    it saves nothing) unless the reflection already has some; then that one is
    returned and kept, so its playlists are never built twice."""
    now = timezone.now()
    lease_until = now + dt.timedelta(seconds=lease_seconds())
    ours = _json(content or {})
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(table=_table()),
            [
                Status.SENDING,
                connection.ops.adapt_datetimefield_value(lease_until),
                _json({}),
                ours,
                pk,
                max_attempts(),
                Status.PENDING,
                Status.SENDING,
                connection.ops.adapt_datetimefield_value(now),
                ours,
            ],
        )
        won = cursor.fetchone()
    if won is None:
        give_up(Q(pk=pk), now)
        return None
    if loaded is None:
        return WeeklyReflection.objects.select_related("user").get(pk=pk)
    loaded.status, loaded.lease_until, loaded.attempts = Status.SENDING, lease_until, won[0]
    if not won[1] and (content is not None or not loaded.content):
        # Someone else stored content since we loaded the row: keep theirs
        # (and the playlists it links).
        loaded.refresh_from_db(fields=["content"])
    elif content is not None:
        loaded.content = content
    return loaded


def give_up(which: Q, now: dt.datetime) -> int:
    """Mark failed the claimable reflections that have used all their attempts."""
    note = f"Gave up after {max_attempts()} attempts. "
    return WeeklyReflection.objects.filter(
        which, claimable(now), attempts__gte=max_attempts()
    ).update(
        status=Status.FAILED,
        lease_until=None,
        last_error=Substr(Concat(Value(note), F("last_error")), 1, 300),
    )


def _mine(reflection: WeeklyReflection, *statuses: str) -> Any:
    return WeeklyReflection.objects.filter(
        pk=reflection.pk, status__in=statuses, attempts=reflection.attempts
    )


MARK_SENT_SQL = """
UPDATE {table} SET status = %s, sent_at = %s, lease_until = NULL, last_error = ''
 WHERE id = %s AND status = %s AND attempts = %s
"""


def mark_sent(reflection: WeeklyReflection) -> bool:
    """One autocommit UPDATE, fenced on our attempt: committed when it returns.
    (Plain SQL: it runs once per email, at the commit point.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT_SQL.format(table=_table()),
            [
                Status.SENT,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                reflection.pk,
                Status.SENDING,
                reflection.attempts,
            ],
        )
        return cursor.rowcount == 1


def release(reflection: WeeklyReflection, error: str) -> str:
    """An attempt failed while its worker was alive: back to pending for a retry,
    or failed when no attempts are left."""
    status = Status.FAILED if reflection.attempts >= max_attempts() else Status.PENDING
    if status == Status.FAILED:
        error = f"Gave up after {reflection.attempts} attempts. {error}"
    _mine(reflection, Status.SENDING, Status.SENT).update(
        status=status, lease_until=None, sent_at=None, last_error=error[:300]
    )
    return status


class LostClaim(Exception):
    """Our lease expired and another worker took the reflection over."""


@dataclass
class DeliveryResult:
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Reflections to look at again later: a failed attempt with attempts left,
    # or one leased by a worker that may have died.
    again: list[int] = field(default_factory=list)
    countdown: int = 0


def send_with_commit_point(
    connection: Any, message: EmailMessage, commit: Callable[[], None], state: dict[str, bool]
) -> None:
    """Send one message on an open connection, calling `commit` at the commit
    point: inside the SMTP transaction with journal.smtp.EmailBackend, right
    after the send with other backends. `state["committed"]` tells the caller
    whether it ran, also when the send raised."""
    state["committed"] = False

    def point() -> None:
        commit()
        state["committed"] = True

    message.commit_point = point  # type: ignore[attr-defined]
    try:
        connection.send_messages([message])
    finally:
        del message.commit_point  # type: ignore[attr-defined]
    if not state["committed"]:
        point()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server answered {exc.smtp_code}."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"The mail server refused the recipient ({', '.join(map(str, codes))})."
    return f"{type(exc).__name__}: {exc}"[:300]


def deliver_reflections(ids: Sequence[int]) -> DeliveryResult:
    """Build and send a batch of reflections over one mail connection."""
    result = DeliveryResult()
    now = timezone.now()
    rows = list(
        WeeklyReflection.objects.filter(
            pk__in=ids, status__in=[Status.PENDING, Status.SENDING]
        ).select_related("user")
    )
    # Set-based statistics for every reflection still without content.
    stats = compute_week_stats([(r.user, r.week_start) for r in rows if not r.content])
    prebuilt = {
        r.pk: content_without_writes(r.user, week)
        for r in rows
        if not r.content and (week := stats.get((r.user_id, r.week_start))) is not None
    }
    latest_lease: dt.datetime | None = None
    if not rows:
        return result
    try:
        connection = mailers.default
        connection.open()
    except OSError as exc:
        # The mail server is unreachable: nothing was claimed, no attempt is
        # spent; try the whole batch again later.
        logger.warning("mail server unreachable, will retry: %s", _describe(exc))
        result.again = [r.pk for r in rows]
        result.countdown = int(settings.ATTUNE_REFLECTION_RETRY_SECONDS)
        return result
    with connection:
        for row in rows:
            reflection = claim(row.pk, row, prebuilt.get(row.pk))
            if reflection is None:
                current = (
                    WeeklyReflection.objects.filter(pk=row.pk)
                    .values_list("status", "lease_until")
                    .first()
                )
                if current and current[0] == Status.SENDING and current[1]:
                    result.again.append(row.pk)
                    latest_lease = max(latest_lease or current[1], current[1])
                continue
            outcome = _deliver_one(connection, reflection, stats)
            getattr(result, outcome).append(reflection.pk)
    if result.again:
        wait = (latest_lease - now).total_seconds() + 1 if latest_lease else 0
        result.countdown = max(int(settings.ATTUNE_REFLECTION_RETRY_SECONDS), int(wait) + 1)
    return result


def _deliver_one(connection: Any, reflection: WeeklyReflection, stats: dict[Any, Any]) -> str:
    state = {"committed": False}
    try:
        ensure_content(reflection, stats.get((reflection.user_id, reflection.week_start)))
        user = reflection.user
        if not (user.is_active and user.reflection_enabled):
            _mine(reflection, Status.SENDING).update(status=Status.SKIPPED, lease_until=None)
            return "skipped"
        message = render_reflection_email(reflection)

        def commit() -> None:
            if not mark_sent(reflection):
                raise LostClaim

        send_with_commit_point(connection, message, commit, state)
        return "sent"
    except LostClaim:
        logger.warning("reflection %s: lease lost to another worker; not sent", reflection.pk)
        _reopen(connection)
        return "skipped"
    except Exception as exc:
        if state["committed"] and not isinstance(exc, smtplib.SMTPResponseException):
            # Recorded as sent and the terminator went out, but no answer came
            # back: the server may well have accepted it. Resending could mean
            # a duplicate, so it stays sent, with a note for the operator.
            WeeklyReflection.objects.filter(pk=reflection.pk).update(
                last_error=("Sent, but the mail server did not confirm: " + _describe(exc))[:300]
            )
            _reopen(connection)
            return "sent"
        status = release(reflection, _describe(exc))
        logger.warning(
            "reflection %s attempt %s failed: %s",
            reflection.pk,
            reflection.attempts,
            _describe(exc),
        )
        _reopen(connection)
        return "again" if status == Status.PENDING else "failed"


def _reopen(connection: Any) -> None:
    """After an error mid-transaction, start a clean connection for the rest."""
    try:
        connection.close()
        connection.open()
    except Exception:  # the next send will report it
        logger.warning("could not reopen the mail connection", exc_info=False)
