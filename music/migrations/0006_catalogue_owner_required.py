"""Every artist and track has an owner (docs/catalogue-per-user.md), step 3 of
3: the owner required, and ids unique per owner instead of catalogue-wide."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("music", "0005_catalogue_owner_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="artist",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="owned_artists",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="track",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="owned_tracks",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="artist",
            constraint=models.UniqueConstraint(
                models.F("owner"), models.F("name_key"), name="artist_unique_owner_name"
            ),
        ),
        migrations.AddConstraint(
            model_name="artist",
            constraint=models.UniqueConstraint(
                models.F("owner"), models.F("mbid"), name="artist_unique_owner_mbid"
            ),
        ),
        migrations.AddConstraint(
            model_name="track",
            constraint=models.UniqueConstraint(
                models.F("owner"), models.F("mbid"), name="track_unique_owner_mbid"
            ),
        ),
        migrations.AddConstraint(
            model_name="track",
            constraint=models.UniqueConstraint(
                models.F("owner"), models.F("spotify_uri"), name="track_unique_owner_uri"
            ),
        ),
        migrations.AddIndex(
            model_name="track",
            index=models.Index(fields=["owner", "isrc"], name="track_owner_isrc"),
        ),
    ]
