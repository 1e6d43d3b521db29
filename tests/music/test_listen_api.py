"""The ListenBrainz-compatible listening API at /1/ (music/views/listen_api.py)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from music.listening.tokens import replace_key, token_for
from music.models import Listen, PlayingNow, Track, UserTrack

NOW = int(time.time())


def listen(at: int | str | None, title: str = "Teardrop", **info: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"artist_name": "Massive Attack", "track_name": title}
    if info:
        meta["additional_info"] = info
    item: dict[str, Any] = {"track_metadata": meta}
    if at is not None:
        item["listened_at"] = at
    return item


def submit(client: Client, token: str | None, listen_type: str, payload: Any, **extra: Any) -> Any:
    headers = {"Authorization": f"Token {token}"} if token else {}
    body = json.dumps({"listen_type": listen_type, "payload": payload})
    return client.post(
        "/1/submit-listens", body, content_type="application/json", headers=headers, **extra
    )


@pytest.fixture
def token(alice: User) -> str:
    return token_for(alice).key


def test_it_stores_a_single_listen_with_its_ids(client: Client, alice: User, token: str) -> None:
    mbid = "0d4e5ae6-d8b1-4d46-a4a0-6a5b4f1f3e6a"
    response = submit(
        client,
        token,
        "single",
        [
            listen(
                NOW - 60,
                recording_mbid=mbid,
                release_mbid="8c9a1f1a-5d3c-4f4b-9a0e-0a1b2c3d4e5f",
                isrc="GBAAA9800012",
                spotify_id="https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ",
                duration_ms=330000,
                media_player="Navidrome",
                submission_client="navidrome",
                music_service="navidrome.example",
                origin_url="https://music.example/song/1",
            )
        ],
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    stored = Listen.objects.get(user=alice)
    assert stored.source == "api"
    assert stored.track.title == "Teardrop"
    assert str(stored.track.mbid) == mbid
    assert stored.track.isrc == "GBAAA9800012"
    assert stored.track.spotify_uri == "spotify:track:67Hna13dNDkZvBpTXRIaOJ"
    assert stored.details is not None
    assert stored.details["media_player"] == "Navidrome"
    assert stored.details["origin_url"] == "https://music.example/song/1"
    assert stored.details["release_mbid"] == "8c9a1f1a-5d3c-4f4b-9a0e-0a1b2c3d4e5f"
    assert UserTrack.objects.get(user=alice, track=stored.track).play_count == 1


def test_it_accepts_the_token_scheme_in_lower_case(client: Client, token: str) -> None:
    response = client.post(
        "/1/submit-listens",
        json.dumps({"listen_type": "single", "payload": [listen(NOW)]}),
        content_type="application/json",
        headers={"Authorization": f"token {token}"},
    )
    assert response.status_code == 200


def test_a_retried_import_adds_nothing(client: Client, alice: User, token: str) -> None:
    batch = [listen(NOW - 3600 + i * 240, title=f"Song {i}") for i in range(12)]
    assert submit(client, token, "import", batch).status_code == 200
    assert submit(client, token, "import", batch).status_code == 200
    assert submit(client, token, "single", [batch[3]]).status_code == 200
    assert Listen.objects.filter(user=alice).count() == 12


def test_playing_now_is_kept_for_the_track_duration(
    client: Client, alice: User, token: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = submit(client, token, "playing_now", [listen(None, duration_ms=200_000)])
        assert response.status_code == 200
        assert PlayingNow.objects.get(user=alice).track.title == "Teardrop"
        assert Listen.objects.filter(user=alice).count() == 0
    url = f"/1/user/{token_for(alice).user_name}/playing-now"
    auth = {"Authorization": f"Token {token}"}
    with time_machine.travel(NOW + 190, tick=False):
        payload = client.get(url, headers=auth).json()["payload"]
        assert payload["count"] == 1
        assert payload["listens"][0]["track_metadata"]["track_name"] == "Teardrop"
    with time_machine.travel(NOW + 210, tick=False):
        assert client.get(url, headers=auth).json()["payload"]["count"] == 0


def test_playing_now_without_a_duration_lasts_ten_minutes(
    client: Client, alice: User, token: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        submit(client, token, "playing_now", [listen(None)])
    url = f"/1/user/{token_for(alice).user_name}/playing-now"
    auth = {"Authorization": f"Token {token}"}
    with time_machine.travel(NOW + 9 * 60, tick=False):
        assert client.get(url, headers=auth).json()["payload"]["count"] == 1
    with time_machine.travel(NOW + 11 * 60, tick=False):
        assert client.get(url, headers=auth).json()["payload"]["count"] == 0


def test_it_reads_listens_back_newest_first_within_bounds(
    client: Client, alice: User, token: str
) -> None:
    submit(client, token, "import", [listen(NOW - 1000 * i, title=f"S{i}") for i in range(1, 8)])
    name = token_for(alice).user_name
    auth = {"Authorization": f"Token {token}"}
    payload = client.get(f"/1/user/{name}/listens?count=3", headers=auth).json()["payload"]
    assert [item["track_metadata"]["track_name"] for item in payload["listens"]] == [
        "S1",
        "S2",
        "S3",
    ]
    assert payload["count"] == 3
    assert payload["user_id"] == name
    assert payload["latest_listen_ts"] == NOW - 1000
    assert payload["oldest_listen_ts"] == NOW - 7000
    bounded = client.get(
        f"/1/user/{name}/listens?min_ts={NOW - 5500}&max_ts={NOW - 1500}", headers=auth
    ).json()["payload"]
    assert [item["listened_at"] for item in bounded["listens"]] == [
        NOW - 2000,
        NOW - 3000,
        NOW - 4000,
        NOW - 5000,
    ]
    clamped = client.get(f"/1/user/{name}/listens?count=5000", headers=auth).json()
    assert clamped["payload"]["count"] == 7


def test_listens_are_private(client: Client, alice: User, bob: User, token: str) -> None:
    submit(client, token, "single", [listen(NOW)])
    alice_name = token_for(alice).user_name
    bob_token = token_for(bob).key
    for path in ("listens", "playing-now"):
        url = f"/1/user/{alice_name}/{path}"
        nobody = client.get(url)
        assert nobody.status_code == 401
        assert nobody.json()["code"] == 401
        other = client.get(url, headers={"Authorization": f"Token {bob_token}"})
        assert other.status_code == 404
        assert "Teardrop" not in other.content.decode()
        logged_in = Client()
        logged_in.force_login(bob)
        assert logged_in.get(url).status_code == 401


def test_validate_token(client: Client, alice: User, token: str) -> None:
    valid = client.get("/1/validate-token", headers={"Authorization": f"Token {token}"})
    assert valid.json() == {
        "code": 200,
        "message": "Token valid.",
        "valid": True,
        "user_name": token_for(alice).user_name,
    }
    by_query = client.get(f"/1/validate-token?token={token}").json()
    assert by_query["valid"] is True
    invalid = client.get("/1/validate-token?token=00000000-0000-4000-8000-000000000000")
    assert invalid.status_code == 200
    assert invalid.json()["valid"] is False
    missing = client.get("/1/validate-token")
    assert missing.status_code == 400
    assert missing.json()["code"] == 400


def test_a_new_token_stops_the_old_one_at_once(client: Client, alice: User, token: str) -> None:
    replace_key(alice)
    response = submit(client, token, "single", [listen(NOW)])
    assert response.status_code == 401
    assert response.json() == {"code": 401, "error": "Invalid authorization token."}
    assert submit(client, token_for(alice).key, "single", [listen(NOW)]).status_code == 200


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "You need to provide an Authorization header."),
        ({"Authorization": "Bearer abc"}, "Provided Authorization header is invalid."),
        ({"Authorization": "Token nope"}, "Invalid authorization token."),
    ],
)
def test_it_refuses_a_missing_or_bad_token(
    client: Client, alice: User, headers: dict[str, str], message: str
) -> None:
    body = json.dumps({"listen_type": "single", "payload": [listen(NOW)]})
    response = client.post(
        "/1/submit-listens", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    assert response.json() == {"code": 401, "error": message}
    assert not Listen.objects.exists()


BAD_SUBMISSIONS: list[tuple[str, Any, str]] = [
    ("single", [listen(NOW), listen(NOW - 10)], "only one"),
    ("playing_now", [listen(NOW)], "must not contain listened_at"),
    ("single", [listen(None)], "listened_at"),
    ("import", [listen(NOW)] * 1001, "Too many listens"),
    ("import", [], "does not contain any listens"),
    ("sometimes", [listen(NOW)], "valid listen_type"),
    ("single", [{"listened_at": NOW, "track_metadata": {"track_name": "x"}}], "artist_name"),
    ("single", [{"listened_at": NOW, "track_metadata": {"artist_name": "x"}}], "track_name"),
    ("single", [listen(NOW, title="\x00")], "unicode null"),
    ("single", [listen(NOW, title="a\ud800b")], "lone surrogate"),
    # Deep in the last listen of a batch, and in a key: the body is looked at
    # once for the escapes that make these, then every string of every listen.
    ("import", [listen(NOW - i) for i in range(1, 6)] + [listen(NOW, x="a\x00")], "unicode null"),
    ("import", [listen(NOW - 1), listen(NOW, **{"k\udfff": "v"})], "lone surrogate"),
    ("single", [listen(NOW, title="x" * 301)], "longer than 300"),
    ("single", [listen(NOW, origin_url="https://" + "x" * 3000)], "longer than 2000"),
    ("single", [listen(NOW, recording_mbid="not-a-uuid")], "MBID format invalid"),
    ("single", [listen(NOW, duration_ms=-5)], "duration_ms is invalid"),
    ("single", [listen(NOW, duration=10, duration_ms=10000)], "both duration"),
    ("single", [listen(1000)], "too low"),
    ("single", [listen(NOW + 10 * 3600)], "too high"),
    ("single", [listen("yesterday")], "int value for listened_at"),
    ("single", "not a list", "list of listens"),
    ("single", [[1, 2]], "JSON object"),
    ("single", [{**listen(NOW), "extra": 1}], "may only contain"),
]


@pytest.mark.parametrize(("listen_type", "payload", "message"), BAD_SUBMISSIONS)
def test_each_bad_submission_gets_a_400_and_stores_nothing(
    client: Client, alice: User, token: str, listen_type: str, payload: Any, message: str
) -> None:
    response = submit(client, token, listen_type, payload)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == 400
    assert message in response.json()["error"]
    assert not Listen.objects.exists()
    assert not PlayingNow.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Cannot parse JSON document"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "json object"),
        (b'{"payload": []}', "Invalid JSON document"),
        (
            b'{"listen_type": "single", "payload": [{"listened_at": %d, "track_metadata": '
            b'{"artist_name": "A", "track_name": "\\uDC00 capital escape"}}]}' % NOW,
            "lone surrogate",
        ),
        (
            b'{"listen_type": "single", "payload": [{"listened_at": %d, "track_metadata": '
            b'{"artist_name": "A", "track_name": "x%s"}}]}' % (NOW, b"y" * 400),
            "longer than 300",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "Cannot parse JSON document"),
    ],
)
def test_a_body_that_is_not_a_submission_gets_a_400(
    client: Client, token: str, body: bytes, message: str
) -> None:
    response = client.post(
        "/1/submit-listens",
        body,
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_body_over_the_limit_gets_a_413(client: Client, token: str) -> None:
    body = b'{"listen_type": "import", "payload": [' + b" " * 10_300_000 + b"]}"
    response = client.post(
        "/1/submit-listens",
        body,
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == 413


def test_a_listen_bigger_than_ten_kilobytes_is_refused(client: Client, token: str) -> None:
    padded = listen(NOW, tags=["x" * 1000] * 11)
    response = submit(client, token, "single", [padded])
    assert response.status_code == 400
    assert "too large" in response.json()["error"]


def test_it_rate_limits_per_token_and_says_so(
    client: Client, alice: User, bob: User, token: str, settings: Any
) -> None:
    settings.ATTUNE_LISTEN_RATE_LIMIT = 3
    settings.ATTUNE_LISTEN_RATE_WINDOW = 3600
    auth = {"Authorization": f"Token {token}"}
    first = client.get("/1/validate-token", headers=auth)
    assert first["X-RateLimit-Limit"] == "3"
    assert first["X-RateLimit-Remaining"] == "2"
    assert 0 < int(first["X-RateLimit-Reset-In"]) <= 3600
    client.get("/1/validate-token", headers=auth)
    client.get("/1/validate-token", headers=auth)
    refused = submit(client, token, "single", [listen(NOW)])
    assert refused.status_code == 429
    assert refused.json()["code"] == 429
    assert refused["X-RateLimit-Remaining"] == "0"
    assert not Listen.objects.exists()
    # Another user's token has its own allowance.
    assert submit(client, token_for(bob).key, "single", [listen(NOW)]).status_code == 200


def test_the_api_needs_no_csrf_token_but_the_settings_page_does(alice: User, token: str) -> None:
    client = Client(enforce_csrf_checks=True)
    assert submit(client, token, "single", [listen(NOW)]).status_code == 200
    client.force_login(alice)
    assert client.post("/settings/listening/new-token/").status_code == 403
    assert token_for(alice).key == token


def test_wrong_methods_get_a_json_405(client: Client, token: str) -> None:
    response = client.get("/1/submit-listens")
    assert response.status_code == 405
    assert response.json()["code"] == 405


def test_a_trailing_slash_is_forgiven(client: Client, token: str) -> None:
    response = client.post(
        "/1/submit-listens/",
        json.dumps({"listen_type": "single", "payload": [listen(NOW)]}),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 200


def test_names_stay_as_the_catalogue_has_them(client: Client, alice: User, token: str) -> None:
    submit(client, token, "single", [listen(NOW, title="Teardrop")])
    submit(client, token, "single", [listen(NOW - 500, title="teardrop")])
    assert Track.objects.count() == 1
    assert Listen.objects.filter(user=alice).count() == 2


def test_each_listen_of_an_import_keeps_its_own_details(
    client: Client, alice: User, token: str
) -> None:
    """Details are sent once per distinct value (music/imports/listens.py)."""
    batch = [
        listen(NOW - 3000, title="Angel", media_player="Navidrome"),
        listen(NOW - 2000, title="Teardrop"),
        listen(NOW - 1000, title="Angel", media_player="Jellyfin", duration_ms=379000),
        listen(NOW - 500, title="Protection", media_player="Navidrome"),
    ]
    assert submit(client, token, "import", batch).status_code == 200
    stored = Listen.objects.filter(user=alice).order_by("played_at")
    assert list(stored.values_list("details", flat=True)) == [
        {"media_player": "Navidrome"},
        None,
        {"media_player": "Jellyfin", "duration_ms": 379000},
        {"media_player": "Navidrome"},
    ]
