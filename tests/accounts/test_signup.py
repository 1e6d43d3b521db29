from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import outbox
from accounts.invitations import create_invitation
from accounts.models import AccountEmail, Invitation, User
from journal.models import Tag


@pytest.mark.django_db
def test_it_signs_up_with_email_and_detected_zone() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Carol@Example.com",
            "display_name": "Carol",
            "time_zone": "Asia/Kathmandu",
            "password1": "listening to the rain 7",
            "password2": "listening to the rain 7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="carol@example.com")
    assert user.time_zone == "Asia/Kathmandu"
    assert Tag.objects.filter(user=user, name="sang").exists()
    assert client.get("/").status_code == 200
    assert "How are you feeling, Carol?" in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_refuses_an_unknown_zone_with_a_clear_message() -> None:
    # Issue 18: a zone typed by hand used to become UTC without a word.
    for typed, expected in [
        ("Mars/Olympus", "know the time zone “Mars/Olympus”"),
        ("Berlin", "Did you mean Europe/Berlin?"),
        ("los angeles", "Did you mean America/Los_Angeles?"),
    ]:
        response = Client().post(
            "/accounts/signup/",
            {
                "email": "dan@example.com",
                "time_zone": typed,
                "password1": "listening to the rain 7",
                "password2": "listening to the rain 7",
            },
        )
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert not User.objects.filter(email="dan@example.com").exists()


@pytest.mark.django_db
def test_it_offers_every_zone_as_a_searchable_list() -> None:
    html = Client().get("/accounts/signup/").content.decode()
    assert 'list="time-zones"' in html and "data-detect-timezone" in html
    assert '<option value="Europe/Berlin">' in html
    assert '<option value="America/Los_Angeles">' in html


@pytest.mark.django_db
def test_it_takes_a_browsers_old_zone_name_as_todays() -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "kiev@example.com",
            "time_zone": "Europe/Kiev",
            "password1": "listening to the rain 7",
            "password2": "listening to the rain 7",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="kiev@example.com").time_zone == "Europe/Kyiv"


@pytest.mark.django_db
def test_it_rejects_a_lone_surrogate_in_the_name() -> None:
    from accounts.forms import SignupForm

    form = SignupForm(
        {
            "email": "eve@example.com",
            "display_name": "bad \ud800 name",
            "time_zone": "UTC",
            "password1": "listening to the rain 7",
            "password2": "listening to the rain 7",
        }
    )
    assert not form.is_valid()
    assert "characters we can" in str(form.errors["display_name"])


@pytest.mark.django_db
def test_it_survives_surrogate_bytes_over_http() -> None:
    body = (
        "email=eve%40example.com&display_name=%ED%A0%80%00&time_zone=UTC"
        "&password1=listening+to+the+rain+7&password2=listening+to+the+rain+7"
    )
    response = Client().post(
        "/accounts/signup/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {200, 302}


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_email_make_one_account_and_no_500() -> None:
    """Issue 18: four sign-ups with one email at the same moment (threads, each
    with its own PostgreSQL connection): one account, the others a clear message."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    statuses: list[object] = []

    def sign_up() -> None:
        try:
            barrier.wait(10)
            response = Client().post(
                "/accounts/signup/",
                {
                    "email": "twin@example.com",
                    "time_zone": "UTC",
                    "password1": "listening to the rain 7",
                    "password2": "listening to the rain 7",
                },
            )
            page = response.content.decode()
            if response.status_code == 200 and "check your email" not in page:
                start = page.find('class="errorlist')
                statuses.append((200, page[start : start + 300]))
            else:
                statuses.append((response.status_code, True))
        except Exception as error:
            statuses.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses, key=str) == sorted([(302, True)] + [(200, True)] * 3, key=str)
    assert User.objects.filter(email="twin@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_that_loses_the_race_at_the_insert_gets_the_message() -> None:
    """The form's check passes (the other sign-up has not committed), the insert
    then waits on the unique index and fails when the other one commits."""
    import threading
    import time

    from django.db import connection, connections, transaction

    def waiting_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return bool(cursor.fetchone()[0])

    inserted, commit = threading.Event(), threading.Event()

    def other_sign_up() -> None:
        try:
            with transaction.atomic():
                User.objects.create_user("race@example.com", "another password 9")
                inserted.set()
                commit.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_sign_up)
    holder.start()
    assert inserted.wait(10)
    result: list[object] = []

    def sign_up() -> None:
        try:
            result.append(
                Client().post(
                    "/accounts/signup/",
                    {
                        "email": "race@example.com",
                        "time_zone": "UTC",
                        "password1": "listening to the rain 7",
                        "password2": "listening to the rain 7",
                    },
                )
            )
        finally:
            connections.close_all()

    poster = threading.Thread(target=sign_up)
    poster.start()
    # Let the other sign-up commit once this one's insert waits on it.
    deadline = time.monotonic() + 20
    while not waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_on_a_lock(), "the sign-up never reached its insert"
    commit.set()
    holder.join(10)
    poster.join(10)
    (response,) = result
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "check your email" in response.content.decode()  # type: ignore[attr-defined]
    assert User.objects.filter(email="race@example.com").count() == 1


SIGNUP = "/accounts/signup/"


GOOD = "listening to the rain 7"


def sign_up(client: Client, email: str, password: str = GOOD, **extra: str) -> Any:
    data = {"email": email, "time_zone": "UTC", "password1": password, "password2": password}
    return client.post(SIGNUP, {**data, **extra})


def test_an_existing_address_gets_check_your_email_and_its_owner_a_note(alice: User) -> None:
    before = User.objects.get(pk=alice.pk).password
    response = sign_up(Client(), "ALICE@example.com")
    page = response.content.decode()
    assert response.status_code == 200
    assert "check your email" in page
    assert "already an account" not in page and "account with this email" not in page
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert User.objects.get(pk=alice.pk).password == before
    row = AccountEmail.objects.get(user=alice)
    assert row.kind == AccountEmail.Kind.SIGNUP_ATTEMPT
    assert outbox.deliver(row.pk)  # what the worker does
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert "tried to sign up" in message.subject
    assert "/accounts/login/" in message.body and "/accounts/password/reset/" in message.body
    assert not AccountEmail.objects.exists()  # sent rows go


def test_a_weak_password_reads_the_same_for_a_new_and_an_existing_address(alice: User) -> None:
    def errors(email: str) -> str:
        page = sign_up(Client(), email, password="12345").content.decode()
        start = page.find('class="errorlist')
        return page[start : page.find("</ul>", start)]

    assert errors("alice@example.com") == errors("nobody-yet@example.com") != ""


def test_owner_notes_are_throttled_per_address(alice: User) -> None:
    for number in range(10):
        response = sign_up(Client(REMOTE_ADDR=f"192.0.2.{number + 1}"), "alice@example.com")
        assert "check your email" in response.content.decode()
    assert AccountEmail.objects.filter(user=alice).count() == 3


@pytest.mark.django_db
def test_closed_sign_up_says_so_and_creates_nothing(settings: Any) -> None:
    settings.ATTUNE_SIGNUP = "closed"
    page = Client().get(SIGNUP).content.decode()
    assert "Sign-up is closed" in page
    assert "<form" not in page.split("<main", 1)[-1].split("Log in")[0]
    response = sign_up(Client(), "newcomer@example.com")
    assert "Sign-up is closed" in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.com").exists()
    assert not AccountEmail.objects.exists()


@pytest.mark.django_db
def test_invite_only_sign_up_needs_a_valid_invitation(settings: Any) -> None:
    settings.ATTUNE_SIGNUP = "invite"
    assert "by invitation" in Client().get(SIGNUP).content.decode()
    response = sign_up(Client(), "gatecrasher@example.com")
    assert "by invitation" in response.content.decode()
    assert "doesn" in sign_up(Client(), "x@example.com", invite="made-up").content.decode()
    assert not User.objects.exists()

    out = StringIO()
    call_command("invite", "Invited@Example.com", stdout=out)
    url = out.getvalue().splitlines()[0]
    assert url.startswith("http") and "/accounts/signup/?invite=" in url
    token = url.split("invite=", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.email == "invited@example.com"
    assert token not in invitation.token_hash  # only a hash is kept

    client = Client()
    form = client.get(f"{SIGNUP}?invite={token}").content.decode()
    assert 'value="invited@example.com"' in form and f'value="{token}"' in form
    wrong = sign_up(client, "someone-else@example.com", invite=token)
    assert "This invitation is for invited@example.com" in wrong.content.decode()
    assert not User.objects.exists()
    assert sign_up(client, "invited@example.com", invite=token).status_code == 302
    assert User.objects.filter(email="invited@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    again = sign_up(Client(), "invited@example.com", invite=token)
    assert "doesn" in again.content.decode()  # works once


@pytest.mark.django_db
def test_an_expired_invitation_does_not_open_sign_up(settings: Any) -> None:
    settings.ATTUNE_SIGNUP = "invite"
    invitation, token = create_invitation("late@example.com", days=1)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "doesn" in sign_up(Client(), "late@example.com", invite=token).content.decode()
    assert not User.objects.filter(email="late@example.com").exists()


@pytest.mark.django_db
def test_staff_invite_from_the_admin_and_the_link_is_emailed(settings: Any) -> None:
    settings.ATTUNE_SIGNUP = "invite"
    staff = Client()
    staff.force_login(User.objects.create_superuser("admin@example.com", "an admin password 1"))
    response = staff.post(
        "/admin/accounts/invitation/add/",
        {"email": "friend@example.com", "send_email": "on"},
        follow=True,
    )
    assert "Invitation sent to friend@example.com" in response.content.decode()
    invitation = Invitation.objects.get(email="friend@example.com")
    assert invitation.created_by is not None
    (message,) = mail.outbox
    token = message.body.split("invite=", 1)[1].split()[0]
    assert sign_up(Client(), "friend@example.com", invite=token).status_code == 302


@pytest.mark.django_db
def test_open_sign_up_still_logs_a_new_person_in(settings: Any) -> None:
    settings.ATTUNE_SIGNUP = "open"
    client = Client()
    assert sign_up(client, "open@example.com").status_code == 302
    assert "How are you feeling" in client.get("/").content.decode()
