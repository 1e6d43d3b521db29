"""EmotionWord moves here from journal with its table and rows: this creates
the model in mood's state only (the table `journal_emotionword` already
exists); journal 0004 removes it from journal's state and points
CheckIn.words at it."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("journal", "0003_reflections_delivery"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="EmotionWord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("word", models.CharField(max_length=40)),
                        (
                            "pleasantness",
                            models.SmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(-4),
                                    django.core.validators.MaxValueValidator(4),
                                ]
                            ),
                        ),
                        (
                            "energy",
                            models.SmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(-4),
                                    django.core.validators.MaxValueValidator(4),
                                ]
                            ),
                        ),
                        ("definition", models.CharField(blank=True, max_length=200)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="emotion_words",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "journal_emotionword",
                        "ordering": ["word"],
                        "constraints": [
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("word"),
                                models.F("user"),
                                condition=models.Q(("user__isnull", False)),
                                name="emotionword_unique_per_user",
                            ),
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("word"),
                                condition=models.Q(("user__isnull", True)),
                                name="emotionword_unique_shipped",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("pleasantness__gte", -4), ("pleasantness__lte", 4)),
                                name="emotionword_pleasantness_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("energy__gte", -4), ("energy__lte", 4)),
                                name="emotionword_energy_range",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
