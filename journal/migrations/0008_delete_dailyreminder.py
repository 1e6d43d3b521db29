"""The old daily reminder's log goes with it (issue 18): reminders are sent,
and logged in ReminderSend, by the reminders app."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0007_noteindex'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='dailyreminder',
            name='reminder_one_per_user_day',
        ),
        migrations.DeleteModel(
            name='DailyReminder',
        ),
    ]
