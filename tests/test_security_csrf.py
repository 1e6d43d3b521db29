"""CSRF is enforced, and the X-CSRFToken header that htmx sends is accepted."""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import User

SETTINGS_FORM = {
    "display_name": "Ali",
    "time_zone": "Europe/Berlin",
    "reflection_weekday": "0",
    "reflection_time": "08:00",
}


def logged_in_strict_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_it_refuses_a_post_without_a_token(alice: User) -> None:
    client = logged_in_strict_client(alice)
    response = client.post("/settings/", SETTINGS_FORM)
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()  # kind, not technical
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_it_accepts_the_token_htmx_sends_in_a_header(alice: User) -> None:
    client = logged_in_strict_client(alice)
    page = client.get("/settings/").content.decode()
    # base.html puts the token on <body hx-headers=...> for htmx to send.
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/settings/", SETTINGS_FORM, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code in {200, 204, 302}
    alice.refresh_from_db()
    assert alice.display_name == "Ali"


def test_it_refuses_a_forged_login_post(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "a calm river 42"}
    )
    assert response.status_code == 403
