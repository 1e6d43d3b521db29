"""EmotionWord now belongs to the mood app (mood 0001). The table, its rows
and the check-in links (journal_checkin_words) stay as they are: only
Django's idea of which app owns the model changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0003_reflections_delivery"),
        ("mood", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="checkin",
                    name="words",
                    field=models.ManyToManyField(
                        blank=True, related_name="checkins", to="mood.emotionword"
                    ),
                ),
                migrations.DeleteModel(name="EmotionWord"),
            ],
        ),
    ]
