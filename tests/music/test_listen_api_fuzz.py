"""Hostile submissions to /1/submit-listens: never a 500, always JSON, and a
refused request stores nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from music.listening.tokens import token_for
from music.models import Listen, PlayingNow

NOW = int(time.time())
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\u202eevil", "x" * 301]),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
METADATA = st.fixed_dictionaries(
    {"artist_name": HOSTILE_TEXT | JSON, "track_name": HOSTILE_TEXT | JSON},
    optional={
        "release_name": HOSTILE_TEXT | JSON,
        "additional_info": st.dictionaries(
            st.sampled_from(
                ["duration", "duration_ms", "recording_mbid", "artist_mbids", "isrc", "origin_url"]
            ),
            JSON,
            max_size=4,
        ),
    },
)
LISTEN = st.fixed_dictionaries(
    {"track_metadata": METADATA},
    optional={
        "listened_at": st.one_of(
            st.integers(NOW - 10**9, NOW + 10**6), st.integers(), HOSTILE_TEXT, st.floats()
        )
    },
)
SUBMISSION = st.fixed_dictionaries(
    {
        "listen_type": st.sampled_from(["single", "import", "playing_now"]) | HOSTILE_TEXT,
        "payload": st.lists(LISTEN, max_size=3) | JSON,
    }
)


@pytest.fixture
def token(alice: User, settings: Any) -> str:
    settings.ATTUNE_LISTEN_RATE_LIMIT = 10_000  # the fuzzer sends far more than a player
    return token_for(alice).key


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=SUBMISSION | JSON)
def test_hostile_submissions_never_crash(client: Client, token: str, body: Any) -> None:
    before = (Listen.objects.count(), PlayingNow.objects.count())
    response = client.post(
        "/1/submit-listens",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code in (200, 400), response.content
    data = response.json()
    if response.status_code == 400:
        assert data["code"] == 400 and data["error"]
        assert (Listen.objects.count(), PlayingNow.objects.count()) == before
    else:
        assert data == {"status": "ok"}
