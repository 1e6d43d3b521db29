"""The old daily reminder's settings are gone (issue 18): reminders/ 0002 has
moved everyone who had it on to email reminders in the reminders app first."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_sessions_throttles_invitations'),
        ('reminders', '0002_fold_daily_reminder'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='reminder_enabled',
        ),
        migrations.RemoveField(
            model_name='user',
            name='reminder_time',
        ),
    ]
