"""Migrations music 0004-0006 on the embedded SQLite default: a track two
people had becomes one each, and their pages show it afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_embedded import embedded_env, manage

BEFORE = """
import datetime as dt
from django.db import connection
from accounts.models import User
alice = User.objects.create_user("alice@example.com", "a calm river 42")
bob = User.objects.create_user("bob@example.com", "a calm river 42")
at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC).isoformat(" ")
with connection.cursor() as cursor:
    cursor.execute("INSERT INTO music_artist (name, name_key) VALUES ('Radiohead', 'radiohead')")
    cursor.execute(
        "INSERT INTO music_track"
        " (artist_id, title, title_key, album, musical_key, tags, created_at)"
        " VALUES (%s, 'Creep', 'creep', 'Pablo Honey', '', '', %s)",
        [cursor.lastrowid, at],
    )
    track = cursor.lastrowid
    for user in (alice, bob):
        cursor.execute(
            "INSERT INTO music_listen (user_id, track_id, played_at, skipped, source)"
            " VALUES (%s, %s, %s, 0, 'spotify')", [user.pk, track, at]
        )
print("track", track)
"""

AFTER = """
from django.test import Client
from accounts.models import User
from music.models import Listen, Track
for email in ("alice@example.com", "bob@example.com"):
    user = User.objects.get(email=email)
    mine = Track.objects.get(owner=user)
    listen = Listen.objects.get(user=user)
    client = Client()
    client.force_login(user)
    page = client.get(f"/music/tracks/{mine.pk}/").content.decode()
    print(email, mine.title, listen.track_id == mine.pk, "Pablo Honey" in page)
print("tracks", Track.objects.count())
"""


@pytest.mark.slow
def test_a_shared_track_becomes_one_each_on_sqlite(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    env["DEBUG"] = "true"  # pages render from the source static files, not collected ones

    def run(*args: str) -> str:
        return manage(env, *args)

    run("migrate", "-v0")
    run("migrate", "music", "0003_listening_api", "-v0")
    assert "track" in run("shell", "-c", BEFORE)
    run("migrate", "-v0")
    after = run("shell", "-c", AFTER)
    assert "alice@example.com Creep True True" in after, after
    assert "bob@example.com Creep True True" in after, after
    assert "tracks 2" in after, after
