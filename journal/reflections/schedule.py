"""The dispatcher: one Celery beat entry runs it every 15 minutes, in UTC.

For every active user it works out, in the user's own zone (zoneinfo, never a
local-time crontab), the latest weekly send time that has passed — their
chosen weekday and time — and the Monday–Sunday week that send is about. It
creates the missing `WeeklyReflection` rows with one `bulk_create(...,
ignore_conflicts=True)` per chunk: the unique (user, week_start) constraint,
not the dispatcher, decides that a user-week exists once. Only the latest
week is ever due, so after downtime a user gets the one missed reflection,
not a flood.

It then hands every unfinished reflection that no dispatcher has queued
recently (new rows, tasks lost with a dead worker, leases that expired) to
the workers in batches (config.queue.send_on_commit: with the broker down the
rows simply wait for the next pass). Rows are picked with SELECT ... FOR UPDATE SKIP
LOCKED and stamped `queued_at`, so two dispatchers running at once split the
work rather than queueing it twice — and if they did, the claim in
journal/reflections/delivery.py still lets only one worker send.

The optional daily reminder goes through the same pass: a `DailyReminder` row
per user and local date (unique), created only in the hours after the user's
reminder time and only when they have not checked in that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from accounts.models import User
from config.queue import send_on_commit
from journal.models import CheckIn, DailyReminder, WeeklyReflection
from journal.reflections.delivery import give_up, lease_seconds
from journal.reflections.weeks import week_start_of

Status = WeeklyReflection.Status
# The tasks (journal/tasks.py) are named, not imported: the tasks sit on top of
# this module and call into it, so the dependency runs one way.
DELIVER_REFLECTIONS = "journal.deliver_reflections"
DELIVER_REMINDERS = "journal.deliver_reminders"
USER_FIELDS = (
    "id",
    "email",
    "time_zone",
    "date_joined",
    "reflection_enabled",
    "reflection_weekday",
    "reflection_time",
    "reminder_enabled",
    "reminder_time",
)


def chunked[T](items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def due_week(user: User, now: dt.datetime, first_checkin: dt.date | None = None) -> dt.date | None:
    """The Monday of the week whose reflection is due for `user` at `now`, or
    None if there is none yet: they joined after that week ended and have no
    check-ins from before (an imported journal counts)."""
    zone = user.zone
    local_today = now.astimezone(zone).date()
    send_date = week_start_of(local_today) + dt.timedelta(days=user.reflection_weekday)
    send_at = dt.datetime.combine(send_date, user.reflection_time, tzinfo=zone)
    # Compared in UTC: two datetimes sharing a tzinfo compare by wall clock,
    # which is wrong around DST changes. A time in a spring-forward gap maps to
    # the moment just after the gap; one in the repeated autumn hour, to its
    # first occurrence.
    if send_at.astimezone(dt.UTC) > now:
        send_date -= dt.timedelta(days=7)
    week_start = week_start_of(send_date) - dt.timedelta(days=7)
    joined = user.date_joined.astimezone(zone).date()
    if first_checkin is not None:
        joined = min(joined, first_checkin)
    if joined > week_start + dt.timedelta(days=6):
        return None
    return week_start


def due_reminder(user: User, now: dt.datetime) -> dt.date | None:
    """Today's local date if the user's reminder time passed within the window."""
    if not user.reminder_enabled:
        return None
    zone = user.zone
    local_today = now.astimezone(zone).date()
    at = dt.datetime.combine(local_today, user.reminder_time, tzinfo=zone).astimezone(dt.UTC)
    window = dt.timedelta(hours=int(settings.ATTUNE_REMINDER_WINDOW_HOURS))
    return local_today if at <= now < at + window else None


@dataclass
class DispatchResult:
    due: int = 0
    queued: list[int] = field(default_factory=list)
    reminders_queued: list[int] = field(default_factory=list)
    gave_up: int = 0
    # For --dry-run: (email, week_start) that would get a reflection, and
    # (email, local_date) that would get a reminder.
    would_reflect: list[tuple[str, dt.date]] = field(default_factory=list)
    would_remind: list[tuple[str, dt.date]] = field(default_factory=list)


def dispatch(now: dt.datetime | None = None, *, dry_run: bool = False) -> DispatchResult:
    now = now or timezone.now()
    result = DispatchResult()
    users = User.objects.filter(is_active=True).only(*USER_FIELDS).order_by("pk")
    for chunk in chunked(users.iterator(chunk_size=2000), 2000):
        _reflections_for_chunk(chunk, now, result, dry_run=dry_run)
        _reminders_for_chunk(chunk, now, result, dry_run=dry_run)
    if not dry_run:
        result.gave_up = give_up(Q(), now)
        result.queued = queue_unfinished(now)
        result.reminders_queued = queue_reminders(now)
    return result


def _reflections_for_chunk(
    chunk: list[User], now: dt.datetime, result: DispatchResult, *, dry_run: bool
) -> None:
    chunk = [user for user in chunk if user.reflection_enabled]
    due = [(user, week) for user in chunk if (week := due_week(user, now)) is not None]
    newcomers = [u.pk for u in chunk if u.date_joined > now - dt.timedelta(days=15)]
    if newcomers:
        # New accounts with an imported history: their first check-in counts
        # as joining (one GROUP BY for the chunk).
        first = dict(
            CheckIn.objects.live()
            .filter(user_id__in=newcomers)
            .values("user_id")
            .annotate(first=Min("local_date"))
            .values_list("user_id", "first")
        )
        known = {u.pk for u, _ in due}
        for user in chunk:
            if user.pk in first and user.pk not in known:
                week = due_week(user, now, first[user.pk])
                if week is not None:
                    due.append((user, week))
    if not due:
        return
    if dry_run:
        existing = set(
            WeeklyReflection.objects.filter(
                user_id__in=[u.pk for u, _ in due], week_start__in={w for _, w in due}
            ).values_list("user_id", "week_start")
        )
        result.would_reflect += [(u.email, w) for u, w in due if (u.pk, w) not in existing]
        return
    WeeklyReflection.objects.bulk_create(
        [WeeklyReflection(user_id=user.pk, week_start=week) for user, week in due],
        ignore_conflicts=True,
    )
    result.due += len(due)


def _reminders_for_chunk(
    chunk: list[User], now: dt.datetime, result: DispatchResult, *, dry_run: bool
) -> None:
    due = [(user, day) for user in chunk if (day := due_reminder(user, now)) is not None]
    if not due:
        return
    ids = [u.pk for u, _ in due]
    days = {d for _, d in due}
    checked_in = set(
        CheckIn.objects.live()
        .filter(user_id__in=ids, local_date__in=days)
        .values_list("user_id", "local_date")
        .distinct()
    )
    due = [(u, d) for u, d in due if (u.pk, d) not in checked_in]
    if dry_run:
        existing = set(
            DailyReminder.objects.filter(user_id__in=ids, local_date__in=days).values_list(
                "user_id", "local_date"
            )
        )
        result.would_remind += [(u.email, d) for u, d in due if (u.pk, d) not in existing]
        return
    DailyReminder.objects.bulk_create(
        [DailyReminder(user_id=u.pk, local_date=d) for u, d in due], ignore_conflicts=True
    )


def queue_unfinished(now: dt.datetime) -> list[int]:
    """Hand unfinished reflections to the workers, each batch at most once per
    lease period, whichever dispatcher gets there first."""
    stale = now - dt.timedelta(seconds=lease_seconds())
    batch = int(settings.ATTUNE_REFLECTION_BATCH_SIZE)
    with transaction.atomic():
        ids = list(
            WeeklyReflection.objects.select_for_update(skip_locked=True)
            .filter(Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now))
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        WeeklyReflection.objects.filter(pk__in=ids).update(queued_at=now)
        for start in range(0, len(ids), batch):
            send_on_commit(signature(DELIVER_REFLECTIONS), ids[start : start + batch])
    return ids


def queue_reminders(now: dt.datetime) -> list[int]:
    recent = now - dt.timedelta(hours=int(settings.ATTUNE_REMINDER_WINDOW_HOURS))
    ids = list(
        DailyReminder.objects.filter(sent_at__isnull=True, skipped=False, created_at__gte=recent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batch = int(settings.ATTUNE_REFLECTION_BATCH_SIZE)
    for start in range(0, len(ids), batch):
        send_on_commit(signature(DELIVER_REMINDERS), ids[start : start + batch])
    return ids
