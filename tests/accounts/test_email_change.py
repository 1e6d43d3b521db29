"""Issue 18: change of email address, confirmed from the new address, with the
old address told when it is asked for and when it is done."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests.conftest import PASSWORD

NEW = "alice.new@example.com"


def ask(client: Client, email: str = NEW, password: str = PASSWORD) -> object:
    return client.post("/settings/email/", {"new_email": email, "password": password})


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/settings/email/confirm/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def test_it_confirms_the_new_address_and_tells_the_old_one(
    alice: User, alice_client: Client
) -> None:
    old = alice.email
    assert ask(alice_client).status_code == 302  # type: ignore[attr-defined]
    confirm, notice = mail.outbox
    assert confirm.to == [NEW] and notice.to == [old]
    assert "change your password" in str(notice.body)
    alice.refresh_from_db()
    assert alice.email == old, "nothing changes before the link is confirmed"

    link = link_in(confirm)
    page = Client().get(link)  # a mail scanner following the link changes nothing
    assert f"Yes, use {NEW}" in page.content.decode()
    alice.refresh_from_db()
    assert alice.email == old
    assert alice_client.post(link).status_code == 302
    alice.refresh_from_db()
    assert alice.email == NEW
    done = mail.outbox[-1]
    assert done.to == [old] and NEW in str(done.body)
    # Used once: the same link again says so.
    assert "already been used" in alice_client.get(link).content.decode()


def test_it_asks_for_the_password_and_a_free_new_address(
    alice: User, bob: User, alice_client: Client
) -> None:
    assert "doesn&#x27;t match" in ask(alice_client, password="wrong").content.decode()  # type: ignore[attr-defined]
    taken = ask(alice_client, email=bob.email).content.decode()  # type: ignore[attr-defined]
    assert "already an account with this email" in taken
    same = ask(alice_client, email=alice.email.upper()).content.decode()  # type: ignore[attr-defined]
    assert "already your address" in same
    assert mail.outbox == []


def test_an_expired_or_forged_link_changes_nothing(alice: User, alice_client: Client) -> None:
    ask(alice_client)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert "expired" in alice_client.post(link).content.decode()
    forged = link.replace("/confirm/", "/confirm/x")
    assert "isn&#x27;t valid" in alice_client.post(forged).content.decode()
    alice.refresh_from_db()
    assert alice.email != NEW


def test_an_address_taken_meanwhile_is_a_message_not_a_500(
    alice: User, alice_client: Client
) -> None:
    ask(alice_client)
    link = link_in(mail.outbox[0])
    User.objects.create_user(NEW, PASSWORD)
    response = alice_client.post(link)
    assert response.status_code == 200
    assert "Another account uses that address now" in response.content.decode()
