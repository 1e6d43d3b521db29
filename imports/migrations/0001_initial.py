# The ImportJob model moves here from music; its table (music_importjob) and
# rows stay where they are: only Django's idea of which app owns it changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("music", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=24)),
                        ("file_name", models.CharField(max_length=255)),
                        ("stored_path", models.CharField(blank=True, max_length=500)),
                        ("options", models.JSONField(blank=True, default=dict)),
                        ("status", models.CharField(choices=[("queued", "Waiting for a worker"), ("running", "Importing"), ("done", "Finished"), ("failed", "Could not import")], default="queued", max_length=8)),
                        ("total_bytes", models.BigIntegerField(default=0)),
                        ("processed_bytes", models.BigIntegerField(default=0)),
                        ("imported", models.PositiveIntegerField(default=0)),
                        ("duplicates", models.PositiveIntegerField(default=0)),
                        ("skipped", models.JSONField(blank=True, default=dict, help_text="reason -> count")),
                        ("bad_rows", models.JSONField(blank=True, default=list, help_text="first bad rows with line numbers")),
                        ("message", models.CharField(blank=True, max_length=500)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="import_jobs", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"ordering": ["-created_at"], "db_table": "music_importjob"},
                ),
            ],
        ),
        migrations.AddField(
            model_name="importjob",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
