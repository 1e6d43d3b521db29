"""Sessions: a new key at login, logout ends the cookie, a password change ends
the other sessions, and deleting the account ends them all."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client

from accounts.models import Session, User
from tests.conftest import PASSWORD

COOKIE = settings.SESSION_COOKIE_NAME


def log_in(client: Client, email: str = "alice@example.com", password: str = PASSWORD) -> None:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def is_logged_in(client: Client) -> bool:
    return client.get("/settings/").status_code == 200


def client_with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[COOKIE] = value
    return client


def test_it_gives_a_new_session_key_at_login(alice: User) -> None:
    client = Client()
    session = client.session  # an anonymous session, as a visitor would have
    session["before_login"] = "x"
    session.save()
    before = session.session_key
    assert before
    client.cookies[COOKIE] = before
    log_in(client)
    after = client.cookies[COOKIE].value
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert is_logged_in(client)


def test_it_makes_the_old_cookie_useless_after_logout(alice: User) -> None:
    client = Client()
    log_in(client)
    old = client.cookies[COOKIE].value
    response = client.post("/accounts/logout/")
    assert response.cookies[COOKIE].value == ""  # the browser is told to drop it
    assert not is_logged_in(client)
    assert not Session.objects.filter(session_key=old).exists()
    assert not is_logged_in(client_with_cookie(old))


def test_it_ends_other_sessions_when_the_password_changes(alice: User) -> None:
    laptop, phone = Client(), Client()
    log_in(laptop)
    log_in(phone)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a new and quiet path 7",
            "new_password2": "a new and quiet path 7",
        },
    )
    assert response.status_code == 302
    assert is_logged_in(laptop)  # the one who changed it stays in
    assert not is_logged_in(phone)
    log_in(Client(), password="a new and quiet path 7")


def test_it_ends_every_session_when_the_account_is_deleted(alice: User, bob: User) -> None:
    laptop, phone, bobs = Client(), Client(), Client()
    log_in(laptop)
    log_in(phone)
    log_in(bobs, "bob@example.com")
    phone_cookie = phone.cookies[COOKIE].value
    response = laptop.post("/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert not is_logged_in(client_with_cookie(phone_cookie))
    assert not Session.objects.filter(session_key=phone_cookie).exists()
    assert is_logged_in(bobs)


def test_it_reads_sessions_with_its_own_store_and_honours_expiry(alice: User) -> None:
    """config.sessions reads the row with one plain statement: an expired or
    unknown session is no session, and the key is dropped as Django's does."""
    import datetime as dt

    from django.utils import timezone

    from config.sessions import SessionStore

    assert settings.SESSION_ENGINE == "config.sessions"
    client = Client()
    log_in(client)
    key = client.cookies[COOKIE].value
    store = SessionStore(key)
    assert store.load()["_auth_user_id"] == str(alice.pk)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert not is_logged_in(client)
    assert SessionStore("no-such-key-at-all").load() == {}


def test_sessions_carry_their_user_so_deletion_reads_no_one_elses(alice: User, bob: User) -> None:
    """Issue 19: ending one person's sessions used to decode every live session
    on the instance. Each row now keeps its user's id, written at every save."""
    from accounts.sessions import end_sessions, session_keys_of

    laptop, phone, bobs = Client(), Client(), Client()
    log_in(laptop)
    log_in(phone)
    log_in(bobs, "bob@example.com")
    keys = {laptop.cookies[COOKIE].value, phone.cookies[COOKIE].value}
    assert set(session_keys_of(alice)) == keys
    assert set(Session.objects.filter(user_id=bob.pk).values_list("session_key", flat=True)) == {
        bobs.cookies[COOKIE].value
    }
    # A row nobody can decode is not read, and not touched.
    Session.objects.create(
        session_key="x" * 32,
        session_data="not a session",
        expire_date=bob.date_joined + dt.timedelta(days=1),
    )
    assert end_sessions(alice) == 2
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert is_logged_in(bobs)
    assert Session.objects.filter(session_key="x" * 32).exists()
    laptop.post("/accounts/logout/")
    log_in(laptop)
    assert Session.objects.get(session_key=laptop.cookies[COOKIE].value).user_id == alice.pk
