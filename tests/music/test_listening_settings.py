"""Settings → Listening and `manage.py listen_token`."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from music.models import ListenToken
from tests.conftest import make_user


def test_it_shows_the_user_name_token_and_setup_notes(alice: User, alice_client: Client) -> None:
    response = alice_client.get("/settings/listening/")
    assert response.status_code == 200
    token = ListenToken.objects.get(user=alice)
    html = response.content.decode()
    assert token.key in html
    assert token.user_name == "alice"
    assert f'value="{token.user_name}"' in html
    for player in ("Navidrome", "Jellyfin", "Web Scrobbler", "multi-scrobbler"):
        assert player in html
    assert "ND_LISTENBRAINZ_BASEURL=http://127.0.0.1:8000/1/" in html
    assert "no-store" in response["Cache-Control"]
    uuid.UUID(token.key)  # UUID-shaped: some clients insist


def test_the_settings_page_links_to_it(alice_client: Client) -> None:
    assert 'href="/settings/listening/"' in alice_client.get("/settings/").content.decode()


def test_making_a_new_token_stops_the_old_one(alice: User, alice_client: Client) -> None:
    alice_client.get("/settings/listening/")
    old = ListenToken.objects.get(user=alice).key
    response = alice_client.post("/settings/listening/new-token/", follow=True)
    assert response.status_code == 200
    new = ListenToken.objects.get(user=alice).key
    assert new != old
    assert new in response.content.decode()
    assert "old one has stopped working" in response.content.decode()
    assert not ListenToken.objects.filter(key=old).exists()


def test_it_needs_a_login(client: Client, db: None) -> None:
    assert client.get("/settings/listening/").status_code == 302
    assert client.post("/settings/listening/new-token/").status_code == 302
    assert not ListenToken.objects.exists()


def test_user_names_are_unique(db: None) -> None:
    first = make_user("sam@example.com")
    second = make_user("sam@example.org")
    out = io.StringIO()
    call_command("listen_token", "--user", first.email, stdout=out)
    call_command("listen_token", "--user", second.email, stdout=out)
    names = set(ListenToken.objects.values_list("user_name", flat=True))
    assert names == {"sam", "sam-2"}


def test_listen_token_prints_the_token_last_and_keeps_it(alice: User) -> None:
    out = io.StringIO()
    call_command("listen_token", "--user", "ALICE@example.com", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token == ListenToken.objects.get(user=alice).key
    again = io.StringIO()
    call_command("listen_token", "--user", alice.email, stdout=again)
    assert again.getvalue().strip().splitlines()[-1] == token
    renewed = io.StringIO()
    call_command("listen_token", "--user", alice.email, "--new", stdout=renewed)
    assert renewed.getvalue().strip().splitlines()[-1] != token


def test_listen_token_refuses_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="No user"):
        call_command("listen_token", "--user", "nobody@example.com", stdout=io.StringIO())
