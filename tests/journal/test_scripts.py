"""Issue 18, every script: notes, inputs and excerpts carry dir="auto", and
excerpts keep the note's line breaks (a line in another script stays a line)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from accounts.models import User
from journal import checkins
from journal.timeline import excerpt_text
from mood.values import Mood

MIXED = "صباح الخير، يا عالم!\n\n  Coffee   with Dana.\nשלום, מה שלומך?"


def test_excerpts_keep_line_breaks_and_drop_blank_lines() -> None:
    assert excerpt_text(MIXED) == "صباح الخير، يا عالم!\nCoffee with Dana.\nשלום, מה שלומך?"


def test_the_check_in_page_lets_the_browser_pick_each_notes_direction(
    alice: User, alice_client: Client
) -> None:
    checkin = checkins.record_checkin(alice, Mood(1, 1), note=MIXED)
    html = alice_client.get("/").content.decode()
    assert '<p class="note" dir="auto">صباح الخير، يا عالم!\n\n  Coffee   with Dana.' in html
    editor = alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert 'rows="4" dir="auto"' in editor
    assert 'name="track" id="track-' in editor and 'dir="auto"' in editor


def test_history_excerpts_keep_their_lines(alice: User, alice_client: Client) -> None:
    checkins.record_checkin(alice, Mood(1, 1), timezone.now() - dt.timedelta(hours=1), note=MIXED)
    html = alice_client.get("/history/").content.decode()
    assert (
        '<p class="note-excerpt" dir="auto">صباح الخير، يا عالم!\nCoffee with Dana.\nשלום'
    ) in html


def test_typed_fields_carry_dir_auto(alice_client: Client) -> None:
    for path in ("/tags/", "/words/", "/settings/"):
        html = alice_client.get(path).content.decode()
        assert 'dir="auto"' in html, path
