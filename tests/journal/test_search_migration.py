"""Migration 0007 turns the old one-row-per-token search index into one row
per check-in, without the notes or the keys, and search keeps finding them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from journal.crypto import encrypt_text
from journal.search import prefixes, search_notes, words

BEFORE = [("journal", "0006_day_attributes_import_label")]
AFTER = [("journal", "0007_noteindex")]


def old_digest(user_id: int, term: str) -> str:
    """How the NoteToken rows were keyed (journal/search.py before issue 20)."""
    key = settings.ATTUNE_SEARCH_KEY.encode()
    return hmac.new(key, f"{user_id}:{term}".encode(), hashlib.sha256).hexdigest()[:32]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_old_token_rows_convert_and_stay_searchable() -> None:
    from accounts.models import User
    from tests.conftest import make_user

    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        CheckIn, NoteToken = (
            old.get_model("journal", "CheckIn"),
            old.get_model("journal", "NoteToken"),
        )
        notes = {
            (alice.pk, "Calm by the river, café music"): None,
            (alice.pk, "Busy day at work"): None,
            (bob.pk, "calm evening"): None,
            (alice.pk, ""): None,  # a check-in without a note has no tokens
        }
        for user_id, text in notes:
            row = CheckIn(
                uuid=uuid.uuid4(),
                user_id=user_id,
                felt_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
                local_date=dt.date(2026, 3, 1),
                time_zone="UTC",
                pleasantness=1,
                energy=1,
            )
            if text:
                aad = f"attune-note:{row.uuid}:{user_id}".encode()
                row.note_ciphertext, row.note_key_id = encrypt_text(text, aad)
            row.save()
            notes[(user_id, text)] = row.pk
            NoteToken.objects.bulk_create(
                NoteToken(user_id=user_id, checkin_id=row.pk, digest=old_digest(user_id, term))
                for term in {p for w in words(text) for p in prefixes(w)}
            )
        assert NoteToken.objects.count() > 20
    finally:
        # Forward to the latest state (0007 and every migration after it), as
        # the rest of the suite expects: stopping at 0007 would leave later
        # migrations (journal 0008 drops a table) unapplied.
        latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
        assert AFTER[0] in MigrationExecutor(connection).loader.graph.forwards_plan(
            next(node for node in latest if node[0] == "journal")
        )
        migrate(latest)

    from journal.models import NoteIndex

    calm, work = (
        notes[(alice.pk, "Calm by the river, café music")],
        notes[(alice.pk, "Busy day at work")],
    )
    alice, bob = User.objects.get(pk=alice.pk), User.objects.get(pk=bob.pk)
    assert NoteIndex.objects.count() == 3  # one row per note
    assert [c.pk for c in search_notes(alice, "calm")] == [calm]
    assert [c.pk for c in search_notes(alice, "cafe riv")] == [calm]
    assert [c.pk for c in search_notes(alice, "work")] == [work]
    assert [c.pk for c in search_notes(bob, "calm")] == [notes[(bob.pk, "calm evening")]]
    assert list(search_notes(alice, "evening")) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'journal_notetoken'"
        )
        assert cursor.fetchone()[0] == 0
