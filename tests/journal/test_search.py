from __future__ import annotations

import datetime as dt

from django.db import connection

from accounts.models import User
from journal.models import CheckIn
from journal.search import index_note, search_notes


def make_checkin(user: User, note: str) -> CheckIn:
    checkin = CheckIn(
        user=user,
        felt_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
        local_date=dt.date(2026, 3, 1),
        time_zone=user.time_zone,
        pleasantness=1,
        energy=1,
    )
    checkin.set_note(note)
    checkin.save()
    index_note(checkin, note)
    return checkin


def test_it_finds_words_and_word_starts(alice: User) -> None:
    calm = make_checkin(alice, "Felt calm by the river; Café music.")
    make_checkin(alice, "Busy day at work")
    assert list(search_notes(alice, "calm")) == [calm]
    assert list(search_notes(alice, "riv")) == [calm]
    assert list(search_notes(alice, "cafe river")) == [calm]
    assert list(search_notes(alice, "calm work")) == []


def test_it_never_matches_another_users_notes(alice: User, bob: User) -> None:
    make_checkin(bob, "calm evening")
    assert list(search_notes(alice, "calm")) == []


def test_the_index_holds_no_note_text(alice: User) -> None:
    make_checkin(alice, "secretword appears here")
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM journal_notetoken")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT note_ciphertext FROM journal_checkin")
        blobs = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert "secret" not in stored
    assert b"secretword" not in blobs
