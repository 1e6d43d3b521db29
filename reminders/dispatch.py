"""Who is due a reminder now: one pass (beat, every 5 minutes, in UTC).

For each reminder time of each person with somewhere to send it, the moment
it fires today (and yesterday, for windows across midnight) is computed in
their zone (reminders/schedule.py). A moment that passed less than WINDOW ago
gets a ReminderSend row - the unique constraint makes overlapping or repeated
passes insert it once - and every unfinished row inside the window is handed
to a worker. A reminder later than WINDOW is dropped, so downtime never ends
in a flood. Quiet hours and check-ins are looked at again when it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from config.queue import send_by_name_on_commit
from music.models import Listen
from reminders.delivery import claimable
from reminders.models import ReminderPlan, ReminderSend, ReminderTime
from reminders.schedule import NUDGE_WITHIN, SESSION_MINUTES, due_moment, nudge_due, session_end

WINDOW = dt.timedelta(hours=2)
# Named, not imported: reminders/tasks.py sits on top of this module.
DELIVER = "reminders.deliver"


def due_sends(now: dt.datetime) -> list[ReminderSend]:
    plans = {
        plan.user_id: plan
        for plan in ReminderPlan.objects.select_related("user").filter(user__is_active=True)
        if plan.goes_somewhere
    }
    times: dict[int, list[ReminderTime]] = defaultdict(list)
    for time in ReminderTime.objects.filter(user_id__in=list(plans)):
        times[time.user_id].append(time)
    rows = []
    for user_id, plan in plans.items():
        zone = plan.user.zone
        today = now.astimezone(zone).date()
        for time in times[user_id]:
            slot = f"t{time.pk}"
            for day in (today - dt.timedelta(days=1), today):
                due = due_moment(user_id, slot, day, time.at, time.until, zone)
                if due <= now < due + WINDOW:
                    rows.append(
                        ReminderSend(user_id=user_id, local_date=day, slot=slot, due_at=due)
                    )
        if plan.after_listening and not plan.is_quiet(now.astimezone(zone).time()):
            plays = Listen.objects.filter(
                user_id=user_id,
                played_at__gte=now - NUDGE_WITHIN - dt.timedelta(minutes=SESSION_MINUTES * 6),
                played_at__lte=now,
            ).values_list("played_at", "ms_played")
            if nudge_due(session_end(list(plays), now), now):
                rows.append(
                    ReminderSend(
                        user_id=user_id, local_date=today, slot=ReminderSend.LISTENING, due_at=now
                    )
                )
    return rows


def dispatch(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    ReminderSend.objects.bulk_create(due_sends(now), ignore_conflicts=True)
    ids = list(
        ReminderSend.objects.filter(
            claimable(now),
            due_at__gt=now - WINDOW,
            attempts__lt=int(settings.ATTUNE_REMINDER_MAX_ATTEMPTS),
        )
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    # One task each: a slow push service or mail server holds up one reminder only.
    for pk in ids:
        send_by_name_on_commit(DELIVER, [pk])
    return ids
