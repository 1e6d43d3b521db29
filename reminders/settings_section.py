"""The "Reminders" section of the settings page (accounts.settings_page):
what the person has set up now, and the way to Settings → Reminders.

The daily reminder email used to be two fields of the settings form; since
it was folded into this app (issue 18), this section is where someone
looking for it finds it, with their times and channels spelled out."""

from __future__ import annotations

from typing import Any

from accounts.http import AuthedHtmxRequest
from reminders.models import ReminderPlan, ReminderTime


def channels(plan: ReminderPlan | None) -> list[str]:
    if plan is None:
        return []
    names = [
        ("by email", plan.by_email),
        ("as notifications", plan.by_push),
        ("through Apprise", bool(plan.apprise_list)),
    ]
    return [name for name, on in names if on]


def section_context(request: AuthedHtmxRequest) -> dict[str, Any]:
    plan = ReminderPlan.objects.filter(user=request.user).first()
    return {
        "reminder_times": [str(t) for t in ReminderTime.objects.filter(user=request.user)],
        "reminder_channels": channels(plan),
    }
