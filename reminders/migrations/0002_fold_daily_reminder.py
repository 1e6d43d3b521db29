"""Fold the old daily reminder email (User.reminder_enabled / reminder_time,
issue 18) into the reminders app.

Everyone who had the old reminder on gets email reminders here
(ReminderPlan.by_email, creating the plan if needed) and a ReminderTime at
their old reminder time, unless they already have one at that time. The
next migrations (accounts 0003, journal 0008) remove the old fields and the
DailyReminder log, so from then on only reminders/ sends.

Reversing it changes nothing: turning the old reminder back on for people
who now also get email reminders here would send them two emails.
"""

from typing import Any

from django.db import migrations

CHUNK = 2000


def old_fields_present(schema_editor: Any, table: str) -> bool:
    """False when the code runs against a later schema (tests/e2e/conftest.py
    replays migration data into a flushed, fully migrated database): then
    the old fields are gone and there is nothing to move."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    return any(column.name == "reminder_enabled" for column in columns)


def fold_in(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    if not old_fields_present(schema_editor, User._meta.db_table):
        return
    ReminderPlan = apps.get_model("reminders", "ReminderPlan")
    ReminderTime = apps.get_model("reminders", "ReminderTime")
    people = (
        User.objects.filter(reminder_enabled=True)
        .order_by("pk")
        .values_list("pk", "reminder_time")
    )
    last = 0
    while chunk := list(people.filter(pk__gt=last)[:CHUNK]):
        last = chunk[-1][0]
        ids = [pk for pk, _ in chunk]
        have_plan = set(
            ReminderPlan.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
        )
        ReminderPlan.objects.filter(user_id__in=ids, by_email=False).update(by_email=True)
        ReminderPlan.objects.bulk_create(
            [ReminderPlan(user_id=pk, by_email=True) for pk in ids if pk not in have_plan]
        )
        have_time = set(
            ReminderTime.objects.filter(user_id__in=ids, until__isnull=True).values_list(
                "user_id", "at"
            )
        )
        ReminderTime.objects.bulk_create(
            [ReminderTime(user_id=pk, at=at) for pk, at in chunk if (pk, at) not in have_time]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_user_one_tap_checkin"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fold_in, migrations.RunPython.noop, elidable=True),
    ]
