from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.test import override_settings

from accounts.models import User
from journal.checkins import set_note
from journal.key_rotation import rotate_note_keys
from journal.models import CheckIn, NoteIndex
from journal.reindex import rebuild_search_index
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


def index_rows() -> list[tuple[int, bytes]]:
    """The raw search index as the database holds it, one row per check-in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT checkin_id, tokens FROM journal_noteindex ORDER BY checkin_id")
        return cursor.fetchall()


def test_the_index_holds_no_note_text(alice: User) -> None:
    make_checkin(alice, "secretword appears here")
    stored = repr(index_rows()).lower()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note_ciphertext FROM journal_checkin")
        blobs = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert "secret" not in stored
    assert b"secretword" not in blobs


def test_the_index_is_one_row_per_note(alice: User) -> None:
    first = make_checkin(alice, "calm river, calm walk; the river again")
    second = make_checkin(alice, "work")
    rows = dict(NoteIndex.objects.values_list("checkin_id", "tokens"))
    assert sorted(rows) == [first.pk, second.pk]
    # calm: cal, calm; river: riv, rive, river; walk: wal, walk; the; again:
    # aga, agai, again. Each once, however often the note repeats it.
    assert len(rows[first.pk]) == 2 + 3 + 2 + 1 + 3
    assert rows[second.pk] == sorted(rows[second.pk])


def test_editing_a_note_replaces_its_row_and_emptying_it_removes_it(alice: User) -> None:
    checkin = make_checkin(alice, "calm river")
    set_note(checkin, "stormy sea")
    assert list(search_notes(alice, "calm")) == []
    assert list(search_notes(alice, "storm")) == [checkin]
    assert NoteIndex.objects.count() == 1
    set_note(checkin, "")
    assert list(search_notes(alice, "storm")) == []
    assert NoteIndex.objects.count() == 0


def test_two_users_identical_words_share_no_token(alice: User, bob: User) -> None:
    note = "calm evening by the river with the choir"
    alices, bobs = make_checkin(alice, note), make_checkin(bob, note)
    tokens = dict(NoteIndex.objects.values_list("checkin_id", "tokens"))
    assert len(tokens[alices.pk]) == len(tokens[bobs.pk]) > 10
    assert not set(tokens[alices.pk]) & set(tokens[bobs.pk])
    assert list(search_notes(alice, "choir")) == [alices]
    assert list(search_notes(bob, "choir")) == [bobs]


def test_a_rotated_search_key_finds_old_notes_after_rebuild(alice: User, bob: User) -> None:
    """Both keys rotate: the notes' encryption key (rotate_keys re-encrypts)
    and the search key; rebuild_search_index makes the old notes findable."""
    old = make_checkin(alice, "the lighthouse in the fog, long ago")
    bobs = make_checkin(bob, "a lighthouse too")
    new_note_keys = f"t2:{'B' * 43},{settings.ATTUNE_NOTE_KEYS}"
    with override_settings(ATTUNE_NOTE_KEYS=new_note_keys, ATTUNE_SEARCH_KEY="rotated-key"):
        rotate_note_keys()
        assert CheckIn.objects.get(pk=old.pk).note_key_id == "t2"
        assert list(search_notes(alice, "lighthouse")) == []  # tokens under the old key
        assert rebuild_search_index() == 2
        assert list(search_notes(alice, "lighthouse")) == [old]
        assert list(search_notes(alice, "fog long")) == [old]
        assert list(search_notes(bob, "lighth")) == [bobs]
        assert NoteIndex.objects.count() == 2
    # The old key no longer finds them: nothing of the old index is left.
    assert list(search_notes(alice, "lighthouse")) == []


def test_search_combines_with_other_filters_without_duplicates(alice: User) -> None:
    first = make_checkin(alice, "river river river")
    make_checkin(alice, "riverbank")
    found = search_notes(alice, "river", CheckIn.objects.filter(pk=first.pk))
    assert list(found) == [first]
    assert search_notes(alice, "riv").count() == 2
