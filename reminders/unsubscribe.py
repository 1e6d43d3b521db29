"""The reminder email's one-click unsubscribe: the "reminder" purpose of
journal's signed unsubscribe links (journal/reflections/unsubscribe.py).

journal owns the link and the page but cannot import reminders (the layers
run reminders > journal), so this purpose is registered from
RemindersConfig.ready(). "reminder" is the purpose the old daily reminder
email used: its links, still in people's inboxes, keep working and now turn
off email reminders here (ReminderPlan.by_email). Other channels keep going.
"""

from __future__ import annotations

from accounts.models import User
from journal.reflections.unsubscribe import Purpose, register, unsubscribe_url
from reminders.models import ReminderPlan

PURPOSE = "reminder"


def email_reminders_on(user: User) -> bool:
    return ReminderPlan.objects.filter(user=user, by_email=True).exists()


def turn_off_email_reminders(user: User) -> None:
    ReminderPlan.objects.filter(user=user).update(by_email=False)


def reminder_unsubscribe_url(user: User) -> str:
    return unsubscribe_url(user, PURPOSE)


def register_purpose() -> None:
    register(
        Purpose(
            name=PURPOSE,
            what="reminder emails",
            is_on=email_reminders_on,
            turn_off=turn_off_email_reminders,
            kept=(
                "Your journal stays just as it is, and reminders on your devices or "
                "through Apprise, if you have any, keep coming; only the emails stop."
            ),
            settings_url="reminders:settings",
        )
    )
