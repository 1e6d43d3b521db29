# ImportJob now belongs to the imports app (imports/migrations/0001_initial.py),
# which keeps the table: drop the model from music's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("music", "0001_initial"),
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ImportJob")],
        ),
    ]
