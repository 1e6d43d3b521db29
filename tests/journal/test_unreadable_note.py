"""Issue 19: a note no key of this server opens (a key removed before
rotate_keys finished) pre-filled the editor with placeholder text, and saving
would have overwritten the real ciphertext. It is shown as unreadable now, and
neither the editor nor set_note replaces it."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from journal import checkins
from journal.crypto import UNREADABLE_NOTE
from journal.models import CheckIn
from tests.factories import make_checkin

SECRET = "the lighthouse keeper letter"


def unreadable(user: User) -> CheckIn:
    checkin = make_checkin(user, SECRET, with_extras=False)
    # As if the key it was written with had been removed from ATTUNE_NOTE_KEYS.
    CheckIn.objects.filter(pk=checkin.pk).update(note_key_id="gone")
    return CheckIn.objects.get(pk=checkin.pk)


def stored(checkin: CheckIn) -> tuple[bytes, str]:
    row = CheckIn.objects.get(pk=checkin.pk)
    return bytes(row.note_ciphertext or b""), row.note_key_id


def test_the_editor_shows_the_note_as_unreadable_not_as_text_to_edit(
    alice: User, alice_client: Client
) -> None:
    checkin = unreadable(alice)
    html = alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "This note can't be read with the keys this server has" in html
    assert UNREADABLE_NOTE not in html
    assert f'name="note" id="note-text-{checkin.pk}"' not in html  # no textarea to save


@pytest.mark.parametrize("hx", [False, True], ids=["form", "htmx"])
def test_saving_over_an_unreadable_note_is_refused_and_keeps_it(
    alice: User, alice_client: Client, hx: bool
) -> None:
    checkin = unreadable(alice)
    before = stored(checkin)
    headers = {"HX-Request": "true"} if hx else {}
    response = alice_client.post(
        f"/checkins/{checkin.pk}/note/", {"note": UNREADABLE_NOTE}, headers=headers
    )
    assert "can't be changed here" in response.content.decode()
    assert stored(checkin) == before
    response = alice_client.post(f"/checkins/{checkin.pk}/note/", {"note": ""}, headers=headers)
    assert stored(checkin) == before


def test_set_note_never_replaces_an_unreadable_note(alice: User) -> None:
    checkin = unreadable(alice)
    before = stored(checkin)
    with pytest.raises(checkins.NoteUnreadable):
        checkins.set_note(checkin, "new words")
    assert stored(checkin) == before


def test_a_readable_note_is_edited_as_before(alice: User, alice_client: Client) -> None:
    checkin = make_checkin(alice, SECRET, with_extras=False)
    assert SECRET in alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    alice_client.post(f"/checkins/{checkin.pk}/note/", {"note": "a calmer day"})
    assert CheckIn.objects.get(pk=checkin.pk).note == "a calmer day"
