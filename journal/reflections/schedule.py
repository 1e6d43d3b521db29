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

Reminders are not part of this pass: the reminders app dispatches them
(reminders/dispatch.py, docs/reminders.md).
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
from journal.models import CheckIn, WeeklyReflection
from journal.reflections.delivery import give_up, lease_seconds
from journal.reflections.weeks import week_start_of

Status = WeeklyReflection.Status
# The tasks (journal/tasks.py) are named, not imported: the tasks sit on top of
# this module and call into it, so the dependency runs one way.
DELIVER_REFLECTIONS = "journal.deliver_reflections"
USER_FIELDS = (
    "id",
    "email",
    "time_zone",
    "date_joined",
    "reflection_enabled",
    "reflection_weekday",
    "reflection_time",
)


def chunked[T](items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def full_week(user: User, week_start: dt.date, first_checkin: dt.date | None) -> bool:
    """No reflection email before a person's first full week (a "quiet week"
    email to an account minutes old): they joined by the week's first day (or
    its second, by the clock of a zone ahead of the moment they joined), or
    they brought a history (check-ins dated before joining). A week that is
    not full still gets its in-app reflection, marked not emailed."""
    joined = user.date_joined.astimezone(user.zone).date()
    if joined <= week_start + dt.timedelta(days=1):
        return True
    return first_checkin is not None and first_checkin < joined


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


@dataclass
class DispatchResult:
    due: int = 0
    queued: list[int] = field(default_factory=list)
    gave_up: int = 0
    # For --dry-run: (email, week_start) that would get a reflection.
    would_reflect: list[tuple[str, dt.date]] = field(default_factory=list)


def dispatch(now: dt.datetime | None = None, *, dry_run: bool = False) -> DispatchResult:
    now = now or timezone.now()
    result = DispatchResult()
    users = User.objects.filter(is_active=True).only(*USER_FIELDS).order_by("pk")
    for chunk in chunked(users.iterator(chunk_size=2000), 2000):
        _reflections_for_chunk(chunk, now, result, dry_run=dry_run)
    if not dry_run:
        result.gave_up = give_up(Q(), now)
        result.queued = queue_unfinished(now)
    return result


def _reflections_for_chunk(
    chunk: list[User], now: dt.datetime, result: DispatchResult, *, dry_run: bool
) -> None:
    # Everyone gets the in-app reflection; `reflection_enabled` is the email
    # only (delivery marks the row "not emailed").
    due = [(user, week) for user in chunk if (week := due_week(user, now)) is not None]
    newcomers = [u.pk for u in chunk if u.date_joined > now - dt.timedelta(days=15)]
    first: dict[int, dt.date] = {}
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
        [
            WeeklyReflection(
                user_id=user.pk,
                week_start=week,
                status=Status.PENDING
                if full_week(user, week, first.get(user.pk))
                else Status.SKIPPED,
            )
            for user, week in due
        ],
        ignore_conflicts=True,
    )
    result.due += len(due)


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
