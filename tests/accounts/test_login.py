from __future__ import annotations

from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD


def test_it_logs_in_and_out(alice: User) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/settings/").status_code == 302


def test_it_shows_a_kind_message_for_a_wrong_password(alice: User) -> None:
    response = Client().post(
        "/accounts/login/", {"username": "alice@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "don&#x27;t match an account" in response.content.decode()


def test_it_saves_settings(alice_client: Client, alice: User) -> None:
    response = alice_client.post(
        "/settings/",
        {
            "display_name": "Ali",
            "time_zone": "Pacific/Kiritimati",
            "reflection_enabled": "on",
            "reflection_weekday": "2",
            "reflection_time": "07:30",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone, alice.reflection_weekday) == (
        "Ali",
        "Pacific/Kiritimati",
        2,
    )
    assert str(alice.reflection_time) == "07:30:00"
