"""Notes are encrypted at rest, bound to their row and owner, and keys rotate."""

from __future__ import annotations

import base64
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import override_settings

from accounts.models import User
from journal.crypto import UNREADABLE_NOTE
from journal.models import CheckIn
from journal.search import search_notes
from tests.factories import make_checkin

OLD_KEYS = "t1:" + "A" * 43
NEW_KEY = "t2:" + base64.urlsafe_b64encode(b"n" * 32).decode().rstrip("=")

SECRET = "I told nobody about the lighthouse dream"


def raw_rows() -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM journal_checkin")
        return cursor.fetchall()


def test_it_keeps_no_note_text_in_the_table(alice: User) -> None:
    make_checkin(alice, SECRET)
    dump = repr(raw_rows()).lower()
    for word in ("lighthouse", "nobody", "dream"):
        assert word not in dump
    with connection.cursor() as cursor:
        cursor.execute("SELECT tokens FROM journal_noteindex")
        tokens = repr(cursor.fetchall()).lower()
    assert "lighthouse" not in tokens
    assert CheckIn.objects.get().note == SECRET


def test_it_refuses_a_ciphertext_moved_to_another_row(alice: User, bob: User) -> None:
    first = make_checkin(alice, SECRET, with_extras=False)
    second = make_checkin(alice, "an ordinary tuesday", with_extras=False)
    bobs = make_checkin(bob, "bob's own words", with_extras=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_checkin SET note_ciphertext = (SELECT note_ciphertext FROM "
            "journal_checkin WHERE id = %s), note_key_id = 't1' WHERE id IN (%s, %s)",
            [first.pk, second.pk, bobs.pk],
        )
    for row in (second, bobs):
        row.refresh_from_db()
        assert row.note == UNREADABLE_NOTE
        assert SECRET not in row.note
    first.refresh_from_db()
    assert first.note == SECRET


def test_it_refuses_a_row_moved_to_another_owner(alice: User, bob: User) -> None:
    checkin = make_checkin(alice, SECRET, with_extras=False)
    CheckIn.objects.filter(pk=checkin.pk).update(user=bob)
    assert CheckIn.objects.get(pk=checkin.pk).note == UNREADABLE_NOTE


def test_it_rotates_every_note_to_the_new_key(alice: User, bob: User) -> None:
    notes = {
        make_checkin(user, f"{SECRET} {i}", with_extras=False).pk: f"{SECRET} {i}"
        for i, user in enumerate([alice, bob, alice, bob, alice])
    }
    make_checkin(alice, "", with_extras=False)  # no note: nothing to rotate
    assert set(CheckIn.objects.exclude(note_key_id="").values_list("note_key_id", flat=True)) == {
        "t1"
    }
    out = io.StringIO()
    with override_settings(ATTUNE_NOTE_KEYS=f"{NEW_KEY},{OLD_KEYS}"):
        call_command("rotate_keys", "--batch-size", "2", stdout=out)
        assert "5 of 5 notes re-encrypted" in out.getvalue()
        again = io.StringIO()
        call_command("rotate_keys", stdout=again)
        assert "Nothing to do" in again.getvalue()
    with override_settings(ATTUNE_NOTE_KEYS=NEW_KEY):  # the old key is gone
        for checkin in CheckIn.objects.exclude(note_key_id=""):
            assert checkin.note_key_id == "t2"
            assert checkin.note == notes[checkin.pk]
        assert search_notes(alice, "lighthouse").count() == 3


def test_it_does_not_touch_the_edit_time_when_rotating(alice: User) -> None:
    checkin = make_checkin(alice, SECRET, with_extras=False)
    with override_settings(ATTUNE_NOTE_KEYS=f"{NEW_KEY},{OLD_KEYS}"):
        call_command("rotate_keys", stdout=io.StringIO())
    after = CheckIn.objects.get(pk=checkin.pk)
    assert after.updated_at == checkin.updated_at
    assert after.note_key_id == "t2"


def test_it_reports_notes_no_key_can_open(alice: User) -> None:
    make_checkin(alice, SECRET, with_extras=False)
    with (
        override_settings(ATTUNE_NOTE_KEYS=NEW_KEY),
        pytest.raises(CommandError, match="could not be decrypted"),
    ):
        call_command("rotate_keys", stdout=io.StringIO())
    assert CheckIn.objects.get().note_key_id == "t1"  # left for the right key


def test_it_never_overwrites_an_edit_made_during_rotation(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The conditional UPDATE only writes rows that still hold what was read."""
    from journal import key_rotation

    checkin = make_checkin(alice, SECRET, with_extras=False)
    real_encrypt = key_rotation.encrypt_text

    def edit_meanwhile(text: str, aad: bytes, ring: object = None) -> tuple[bytes, str]:
        fresh = CheckIn.objects.get(pk=checkin.pk)
        fresh.set_note("edited while rotating")
        fresh.save()
        return real_encrypt(text, aad, ring)  # type: ignore[arg-type]

    with override_settings(ATTUNE_NOTE_KEYS=f"{NEW_KEY},{OLD_KEYS}"):
        monkeypatch.setattr(key_rotation, "encrypt_text", edit_meanwhile)
        key_rotation.rotate_note_keys()
        assert CheckIn.objects.get(pk=checkin.pk).note == "edited while rotating"


def test_it_rebuilds_the_search_index_under_a_new_search_key(alice: User) -> None:
    make_checkin(alice, SECRET, with_extras=False)
    out = io.StringIO()
    with override_settings(ATTUNE_SEARCH_KEY="a-brand-new-search-key"):
        assert search_notes(alice, "lighthouse").count() == 0
        call_command("rebuild_search_index", stdout=out)
        assert search_notes(alice, "lighthouse").count() == 1
    assert "1 of 1 check-ins indexed" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_skips_a_row_locked_by_the_running_app_and_gets_it_next_time() -> None:
    from tests.conftest import make_user

    alice = make_user("alice@example.com")
    locked = make_checkin(alice, SECRET, with_extras=False)
    free = make_checkin(alice, "free to rotate", with_extras=False)
    holding, release = threading.Event(), threading.Event()

    def app_editing() -> None:  # another connection, like a web request mid-edit
        try:
            with transaction.atomic():
                CheckIn.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    editor = threading.Thread(target=app_editing)
    editor.start()
    assert holding.wait(10)
    try:
        with (
            override_settings(ATTUNE_NOTE_KEYS=f"{NEW_KEY},{OLD_KEYS}"),
            pytest.raises(CommandError, match="busy"),
        ):
            call_command("rotate_keys", stdout=io.StringIO())
        assert CheckIn.objects.get(pk=free.pk).note_key_id == "t2"
        assert CheckIn.objects.get(pk=locked.pk).note_key_id == "t1"
    finally:
        release.set()
        editor.join()
    with override_settings(ATTUNE_NOTE_KEYS=f"{NEW_KEY},{OLD_KEYS}"):
        call_command("rotate_keys", stdout=io.StringIO())
    with override_settings(ATTUNE_NOTE_KEYS=NEW_KEY):
        assert CheckIn.objects.get(pk=locked.pk).note == SECRET
