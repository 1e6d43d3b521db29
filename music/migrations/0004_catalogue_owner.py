"""Every artist and track gets an owner (docs/catalogue-per-user.md), step 1 of
3: the owner column, nullable while 0005 fills it, and the catalogue-wide
unique ids dropped (0006 makes them unique per owner)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("music", "0003_listening_api"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="artist",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="owned_artists",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="track",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="owned_tracks",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="artist",
            name="name_key",
            field=models.CharField(max_length=300),
        ),
        migrations.AlterField(
            model_name="artist",
            name="mbid",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="track",
            name="mbid",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="track",
            name="spotify_uri",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="track",
            name="isrc",
            field=models.CharField(blank=True, max_length=12, null=True),
        ),
    ]
