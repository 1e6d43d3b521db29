"""Every past entry reachable: one check-in in full, a calendar day, and
Delete with Undo, with and without HTMX."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from journal import day_attributes
from journal.models import CheckIn, DayAttribute
from tests.journal.history_data import checkin, listen, tag, track, word

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
LONG = "First line of a long note.\n\n" + "Words about the day. " * 20 + "\nThe last line."


def _entry(alice: User) -> CheckIn:
    song = track(alice, "Björk", "Jóga")
    heard = track(alice, "Björk", "Hyperballad")
    made = checkin(
        alice,
        "2024-05-04 21:00",
        -2,
        1,
        words=[word(alice, "restless", -2, 2)],
        tags=[tag(alice, "late shift")],
        tracks=[song],
        note=LONG,
    )
    listen(alice, heard, "2024-05-04 20:10", 4)
    listen(alice, heard, "2024-05-04 17:00", 4)  # too long before
    day_attributes.set_day(alice, dt.date(2024, 5, 4), {DayAttribute.Kind.SLEEP: Decimal("5.5")})
    return made


def test_it_shows_the_whole_entry(alice: User, alice_client: Client) -> None:
    made = _entry(alice)
    response = alice_client.get(f"/history/entries/{made.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "First line of a long note.<br><br>Words about the day." in html
    assert "The last line." in html
    assert "restless" in html and "# late shift" in html and "Jóga" in html
    assert html.count("Hyperballad") == 1  # heard around then, once
    assert "Hours slept: 5.5 hours" in html
    assert f'href="/checkins/{made.pk}/"' in html  # Edit
    assert 'hx-history="false"' in html


def test_htmx_gets_just_the_entry(alice: User, alice_client: Client) -> None:
    made = _entry(alice)
    response = alice_client.get(f"/history/entries/{made.pk}/", headers=HX)
    html = response.content.decode()
    assert html.startswith('<article class="entry-full')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_timeline_links_each_entry(alice: User, alice_client: Client) -> None:
    made = _entry(alice)
    html = alice_client.get("/history/?year=2024").content.decode()
    assert f'href="/history/entries/{made.pk}/" hx-get="/history/entries/{made.pk}/"' in html


def test_delete_and_undo_without_javascript(alice: User, alice_client: Client) -> None:
    made = _entry(alice)
    deleted = alice_client.post(f"/history/entries/{made.pk}/delete/", follow=True)
    html = deleted.content.decode()
    assert "Check-in deleted. You can undo this for 2 minutes." in html
    assert "Undo delete" in html and "First line" not in html
    assert not CheckIn.objects.live().filter(pk=made.pk).exists()
    restored = alice_client.post(f"/history/entries/{made.pk}/restore/", follow=True)
    assert "Check-in restored." in restored.content.decode()
    assert CheckIn.objects.live().filter(pk=made.pk).exists()


def test_delete_and_undo_with_htmx_swap_the_entry(alice: User, alice_client: Client) -> None:
    made = _entry(alice)
    html = alice_client.post(f"/history/entries/{made.pk}/delete/", headers=HX).content.decode()
    assert html.startswith('<article class="entry-full') and "Undo delete" in html
    html = alice_client.post(f"/history/entries/{made.pk}/restore/", headers=HX).content.decode()
    assert "First line of a long note." in html and "Delete" in html


def test_a_day_shows_every_entry_in_full(alice: User, alice_client: Client) -> None:
    _entry(alice)
    checkin(alice, "2024-05-04 08:00", 3, 3, note="Morning.\nSun.")
    checkin(alice, "2024-05-05 08:00", 1, 1, note="Next day.")
    html = alice_client.get("/history/day/2024-05-04/").content.decode()
    assert "Saturday 4 May 2024" in html
    assert html.index("Morning.<br>Sun.") < html.index("First line of a long note.")
    assert "Next day." not in html
    assert 'href="/history/day/2024-05-05/"' in html
    assert "Hours slept: 5.5 hours" in html
    assert (
        "No check-ins on this day." in alice_client.get("/history/day/2024-05-06/").content.decode()
    )
    assert alice_client.get("/history/day/2024-02-30/").status_code == 404


def test_another_user_gets_404(alice: User, bob_client: Client) -> None:
    made = _entry(alice)
    assert bob_client.get(f"/history/entries/{made.pk}/").status_code == 404
    assert bob_client.post(f"/history/entries/{made.pk}/delete/").status_code == 404
    assert CheckIn.objects.live().filter(pk=made.pk).exists()
    assert "First line" not in bob_client.get("/history/day/2024-05-04/").content.decode()
