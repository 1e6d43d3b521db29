"""Migration 0007 on the embedded SQLite default: old NoteToken rows become
one packed NoteIndex row per check-in, and search and the history timeline
(its plain SQL statement) find the notes afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_embedded import embedded_env, manage

BEFORE = """
import hashlib, hmac
from django.conf import settings
from django.db import connection
from accounts.models import User
from journal.checkins import create_checkin
from mood.values import Mood
from journal.search import prefixes, words
user = User.objects.create_user("old@example.com", "a calm river 42")
key = settings.ATTUNE_SEARCH_KEY.encode()
for text in ("Calm by the river, cafe music", "Busy day at work"):
    checkin = create_checkin(user, Mood(1, 1))
    checkin.set_note(text)
    checkin.save()
    terms = {p for w in words(text) for p in prefixes(w)}
    with connection.cursor() as cursor:
        for term in terms:
            digest = hmac.new(key, f"{user.pk}:{term}".encode(), hashlib.sha256).hexdigest()[:32]
            cursor.execute(
                "INSERT INTO journal_notetoken (user_id, checkin_id, digest) VALUES (%s, %s, %s)",
                [user.pk, checkin.pk, digest],
            )
    print("tokens", len(terms))
"""

AFTER = """
from django.test import Client
from accounts.models import User
from journal.models import NoteIndex
from journal.search import search_notes
user = User.objects.get(email="old@example.com")
print("rows", NoteIndex.objects.count())
print("calm", [c.note for c in search_notes(user, "calm riv")])
print("work", [c.note for c in search_notes(user, "wor")])
client = Client()
client.force_login(user)
page = client.get("/history/?q=cafe", headers={"HX-Request": "true"}).content.decode()
print("page", "Calm by the river" in page, "Busy day" in page)
"""


@pytest.mark.slow
def test_old_token_rows_convert_on_sqlite(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)

    def run(*args: str) -> str:
        return manage(env, *args)

    run("migrate", "-v0")  # every app as today, then journal back before the index
    run("migrate", "journal", "0006_day_attributes_import_label", "-v0")
    before = run("shell", "-c", BEFORE)
    assert "tokens" in before, before
    run("migrate", "-v0")
    after = run("shell", "-c", AFTER)
    assert "rows 2" in after, after
    assert "calm ['Calm by the river, cafe music']" in after, after
    assert "work ['Busy day at work']" in after, after
    assert "page True False" in after, after
