"""Login throttling with django-axes: five failures, then a kind pause."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client: Client, password: str, email: str = "alice@example.com") -> object:
    return client.post(LOGIN, {"username": email, "password": password})


def fail_five_times(client: Client) -> None:
    for number in range(1, 6):
        response = attempt(client, f"wrong guess {number}")
        if number < 5:
            assert response.status_code == 200  # type: ignore[attr-defined]
            assert "match an account" in response.content.decode()  # type: ignore[attr-defined]


def test_it_locks_the_sixth_attempt_even_with_the_right_password(alice: User) -> None:
    client = Client()
    fail_five_times(client)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "pause" in page
    assert "try again in about 15 minutes" in page
    assert 'href="/accounts/password/reset/"' in page
    assert "failed" not in page.lower()
    assert client.get("/settings/").status_code == 302  # not logged in


def test_it_tells_the_real_cool_off_time(alice: User, settings: object) -> None:
    settings.AXES_COOLOFF_TIME = 0.5  # type: ignore[attr-defined]
    client = Client()
    fail_five_times(client)
    page = attempt(client, PASSWORD).content.decode()  # type: ignore[attr-defined]
    assert "try again in about 30 minutes" in page


def test_it_lets_four_mistakes_pass(alice: User) -> None:
    client = Client()
    for number in range(4):
        attempt(client, f"wrong {number}")
    assert attempt(client, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_locks_only_that_username_and_address(alice: User, bob: User) -> None:
    fail_five_times(Client())
    assert attempt(Client(), PASSWORD, "bob@example.com").status_code == 302  # type: ignore[attr-defined]
    other_address = Client(REMOTE_ADDR="192.0.2.9")
    assert attempt(other_address, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_lifts_the_lock_after_the_cool_off(alice: User) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        fail_five_times(Client())
        assert attempt(Client(), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert attempt(Client(), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert attempt(Client(), PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_lifts_the_lock_when_the_password_is_reset_by_email(alice: User) -> None:
    fail_five_times(Client())
    assert AccessAttempt.objects.filter(username="alice@example.com").exists()
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new and quiet path 7", "new_password2": "a new and quiet path 7"},
    )
    assert response.status_code == 302
    assert attempt(Client(), "a new and quiet path 7").status_code == 302  # type: ignore[attr-defined]
