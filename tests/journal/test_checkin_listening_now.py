"""Now playing, one tap away: the check-in page offers the song a player says
is playing (or was heard in the last ten minutes)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from music.listening.tokens import token_for
from music.models import PlayingNow
from tests.test_embedded import embedded_env, manage

HX = {"HX-Request": "true"}


def playing_now(client: Client, user: User, title: str = "Teardrop") -> None:
    body = {
        "listen_type": "playing_now",
        "payload": [{"track_metadata": {"artist_name": "Massive Attack", "track_name": title}}],
    }
    response = client.post(
        "/1/submit-listens",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {token_for(user).key}"},
    )
    assert response.status_code == 200


def test_it_offers_and_attaches_the_song_playing_now_with_one_tap(
    alice: User, alice_client: Client
) -> None:
    playing_now(Client(), alice)
    editor = alice_client.post("/", {"mood": "2,1"}, headers=HX).content.decode()
    assert "Listening to <cite>Teardrop</cite> by Massive Attack" in editor
    assert "Add to this check-in" in editor
    checkin = CheckIn.objects.get(user=alice)
    track_id = PlayingNow.objects.get(user=alice).track_id
    part = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]), {"track_id": track_id}, headers=HX
    ).content.decode()
    assert CheckInTrack.objects.filter(checkin=checkin, track_id=track_id).exists()
    assert "Massive Attack – Teardrop" in part
    assert "Add to this check-in" not in part  # attached: no longer offered


def test_it_works_without_javascript(alice: User, alice_client: Client) -> None:
    playing_now(Client(), alice, "Angel")
    response = alice_client.post("/", {"mood": "-1,2"})
    checkin = CheckIn.objects.get(user=alice)
    page = alice_client.get(response["Location"]).content.decode()
    assert "Listening to <cite>Angel</cite>" in page
    assert f'action="{reverse("journal:checkin_tracks", args=[checkin.pk])}"' in page
    track_id = PlayingNow.objects.get(user=alice).track_id
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]), {"track_id": track_id}
    )
    assert response.status_code == 302
    assert "Massive Attack – Angel" in alice_client.get("/").content.decode()


def test_it_offers_nothing_when_nothing_is_playing(alice: User, alice_client: Client) -> None:
    editor = alice_client.post("/", {"mood": "2,1"}, headers=HX).content.decode()
    assert "Add to this check-in" not in editor


def test_it_never_offers_another_users_song(alice: User, bob: User, alice_client: Client) -> None:
    playing_now(Client(), bob, "Bob's song")
    editor = alice_client.post("/", {"mood": "2,1"}, headers=HX).content.decode()
    assert "Bob's song" not in editor and "Add to this check-in" not in editor


def test_a_song_heard_a_few_minutes_ago_is_offered_too(alice: User, alice_client: Client) -> None:
    body = {
        "listen_type": "single",
        "payload": [
            {
                "listened_at": int(time.time()) - 240,
                "track_metadata": {"artist_name": "Portishead", "track_name": "Roads"},
            }
        ],
    }
    Client().post(
        "/1/submit-listens",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {token_for(alice).key}"},
    )
    editor = alice_client.post("/", {"mood": "2,1"}, headers=HX).content.decode()
    assert "You just heard <cite>Roads</cite> by Portishead" in editor


# The same tap on the embedded default (SQLite), which refuses a model's
# ordering inside a UNION: every save there answered 500 while a song was
# offered (the check-in itself was kept).
ON_SQLITE = """
from datetime import timedelta
from django.test import Client
from django.utils import timezone
from accounts.models import User
from music.catalogue import TrackInfo, get_or_create_track
from music.models import Listen, PlayingNow
user = User.objects.create_user("sam@example.com", "a calm river 42")
heard = get_or_create_track(TrackInfo("Massive Attack", "Teardrop"), user)
Listen.objects.create(user=user, track=heard, played_at=timezone.now() - timedelta(minutes=3))
client = Client()
client.force_login(user)
answer = client.post("/", {"mood": "2,1"}, headers={"HX-Request": "true"})
print("heard", answer.status_code, "You just heard <cite>Teardrop</cite>" in answer.text)
playing = get_or_create_track(TrackInfo("Portishead", "Roads"), user)
PlayingNow.objects.create(
    user=user, track=playing, started_at=timezone.now(),
    expires_at=timezone.now() + timedelta(minutes=4),
)
answer = client.post("/", {"mood": "-2,-1"}, headers={"HX-Request": "true"})
print("playing", answer.status_code, "Listening to <cite>Roads</cite>" in answer.text)
"""


@pytest.mark.slow
def test_the_song_is_offered_on_the_embedded_sqlite_default(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    manage(env, "migrate", "-v0")
    out = manage(env, "shell", "-c", ON_SQLITE)
    assert "heard 200 True" in out and "playing 200 True" in out, out
