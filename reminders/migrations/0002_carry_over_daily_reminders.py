"""The daily reminder email people already had (User.reminder_enabled and
reminder_time) becomes a reminder time sent by email in the new plan."""

from django.db import migrations


def carry_over(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ReminderPlan = apps.get_model("reminders", "ReminderPlan")
    ReminderTime = apps.get_model("reminders", "ReminderTime")
    for user in User.objects.filter(reminder_enabled=True).only("pk", "reminder_time"):
        plan, _ = ReminderPlan.objects.get_or_create(user_id=user.pk)
        if not plan.by_email:
            plan.by_email = True
            plan.save(update_fields=["by_email"])
        if not ReminderTime.objects.filter(user_id=user.pk, at=user.reminder_time).exists():
            ReminderTime.objects.create(user_id=user.pk, at=user.reminder_time)


def back(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ReminderPlan = apps.get_model("reminders", "ReminderPlan")
    ReminderTime = apps.get_model("reminders", "ReminderTime")
    for plan in ReminderPlan.objects.filter(by_email=True):
        first = ReminderTime.objects.filter(user_id=plan.user_id).order_by("at").first()
        if first is not None:
            User.objects.filter(pk=plan.user_id).update(reminder_enabled=True, reminder_time=first.at)


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("accounts", "0002_user_one_tap_checkin"),
    ]

    operations = [migrations.RunPython(carry_over, back)]
