"""Acceptance: the real ListenBrainz client library, liblistenbrainz, against a
running Attune (pytest-django's live server), with a token from
`manage.py listen_token`. In the e2e step because it needs a committed
database the server thread can see."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import SERIALIZED, empty_database, refill_migration_data

liblistenbrainz = pytest.importorskip("liblistenbrainz")
errors = pytest.importorskip("liblistenbrainz.errors")

NOW = int(time.time())


@pytest.fixture
def live_db(transactional_db: None, django_db_blocker: Any) -> None:
    """What migrate leaves in the tables, as the browser journeys start from."""
    from django.db import connection

    if "default" not in SERIALIZED:
        refill_migration_data()
        SERIALIZED["default"] = connection.creation.serialize_db_to_string()
    empty_database()
    connection.creation.deserialize_db_from_string(SERIALIZED["default"])


def listen_token(user: User) -> str:
    out = io.StringIO()
    call_command("listen_token", "--user", user.email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def client_for(live_server: Any, token: str | None = None) -> Any:
    client = liblistenbrainz.ListenBrainz(api_base_url=live_server.url)
    if token:
        client.set_auth_token(token)  # validates it against /1/validate-token
    return client


def song(title: str, at: int | None, **extra: Any) -> Any:
    return liblistenbrainz.Listen(
        track_name=title,
        artist_name="Massive Attack",
        release_name="Mezzanine",
        listened_at=at,
        **extra,
    )


def test_liblistenbrainz_submits_and_reads_back(live_server: Any, live_db: None) -> None:
    alice = make_user("alice@example.com")
    bob = make_user("bob@example.com")
    token = listen_token(alice)
    assert len(token) == 36 and token.count("-") == 4  # UUID-shaped
    client = client_for(live_server, token)
    name = client._get("/1/validate-token")["user_name"]

    batch = [song(f"Song {i}", NOW - 7200 + i * 300) for i in range(20)]
    for chunk in (batch[:10], batch[10:]):
        assert client.submit_multiple_listens(chunk) == {"status": "ok"}
    client.submit_multiple_listens(batch[5:15])  # a retry adds nothing
    teardrop = song(
        "Teardrop",
        NOW - 60,
        recording_mbid="0d4e5ae6-d8b1-4d46-a4a0-6a5b4f1f3e6a",
        spotify_id="https://open.spotify.com/track/67Hna13dNDkZvBpTXRIaOJ",
        isrc="GBAAA9800012",
    )
    assert client.submit_single_listen(teardrop) == {"status": "ok"}
    assert client.submit_playing_now(song("Angel", None)) == {"status": "ok"}

    listens = client.get_listens(name, count=100)
    assert len(listens) == 21
    assert [item.listened_at for item in listens] == sorted(
        (item.listened_at for item in listens), reverse=True
    )
    assert listens[0].track_name == "Teardrop"
    assert listens[0].recording_mbid == "0d4e5ae6-d8b1-4d46-a4a0-6a5b4f1f3e6a"
    assert listens[0].isrc == "GBAAA9800012"
    assert listens[0].release_name == "Mezzanine"
    older = client.get_listens(name, max_ts=NOW - 7200 + 5 * 300, count=3)
    assert [item.track_name for item in older] == ["Song 4", "Song 3", "Song 2"]
    playing = client.get_playing_now(name)
    assert playing is not None and playing.track_name == "Angel"

    # Another user's token reads nothing of Alice's.
    nosy = client_for(live_server, listen_token(bob))
    for read in (nosy.get_listens, nosy.get_playing_now):
        with pytest.raises(errors.ListenBrainzAPIException) as refused:
            read(name)
        assert refused.value.status_code == 404
    anonymous = client_for(live_server)
    with pytest.raises(errors.ListenBrainzAPIException) as refused:
        anonymous.get_listens(name)
    assert refused.value.status_code == 401
    with pytest.raises(errors.InvalidAuthTokenException):
        client_for(live_server, "00000000-0000-4000-8000-000000000000")


BAD: list[tuple[str, dict[str, Any] | str, int, str]] = [
    ("two singles", {"listen_type": "single", "payload": "2 listens"}, 400, "only one"),
    ("too many", {"listen_type": "import", "payload": "1001 listens"}, 400, "Too many listens"),
    ("old", {"listen_type": "single", "payload": [{"listened_at": 10}]}, 400, "too low"),
    ("NUL", {"listen_type": "single", "payload": [{"track_name": "a\x00"}]}, 400, "null"),
    ("surrogate", {"listen_type": "single", "payload": [{"track_name": "\ud800"}]}, 400, "lone"),
    ("long", {"listen_type": "single", "payload": [{"track_name": "x" * 400}]}, 400, "longer"),
    ("no type", {"payload": []}, 400, "Invalid JSON document"),
    ("not json", "{nope", 400, "Cannot parse JSON document"),
    ("huge", "x" * 10_300_000, 413, "Payload too large"),
]


def _body(body: dict[str, Any] | str) -> str:
    if isinstance(body, str):
        return body
    body = dict(body)
    payload = body.get("payload")
    base = {"listened_at": NOW, "track_metadata": {"artist_name": "A", "track_name": "T"}}
    if payload == "2 listens":
        body["payload"] = [base, base]
    elif payload == "1001 listens":
        body["payload"] = [base] * 1001
    elif isinstance(payload, list) and payload:
        listen: dict[str, Any] = json.loads(json.dumps(base))
        if "listened_at" in payload[0]:
            listen["listened_at"] = payload[0]["listened_at"]
        else:
            listen["track_metadata"]["track_name"] = payload[0]["track_name"]
        body["payload"] = [listen]
    return json.dumps(body)


def test_each_bad_submission_gets_its_status_and_a_json_error(
    live_server: Any, live_db: None
) -> None:
    client = client_for(live_server, listen_token(make_user("carol@example.com")))
    name = client._get("/1/validate-token")["user_name"]
    for case, body, status, message in BAD:
        with pytest.raises(errors.ListenBrainzAPIException) as refused:
            client._post("/1/submit-listens", data=_body(body))
        assert refused.value.status_code == status, case
        assert message in (refused.value.message or ""), case
    assert client.get_listens(name) == []
