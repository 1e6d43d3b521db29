from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
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


def test_it_refuses_a_taken_email(alice: User) -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "ALICE@example.com",
            "time_zone": "UTC",
            "password1": "listening to the rain 7",
            "password2": "listening to the rain 7",
        },
    )
    assert response.status_code == 200
    assert "already an account" in response.content.decode()


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
            if response.status_code == 200 and "already an account" not in page:
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
    assert "already an account" in response.content.decode()  # type: ignore[attr-defined]
    assert User.objects.filter(email="race@example.com").count() == 1
