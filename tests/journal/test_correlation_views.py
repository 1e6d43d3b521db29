"""The correlations section as a page and as the insights page's HTMX part."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import Client

from accounts.models import User
from tests.journal.history_data import checkin, tag

pytestmark = pytest.mark.django_db


def _days(alice: User) -> None:
    rng = random.Random(8)
    walk, noise = tag(alice, "walk"), tag(alice, "noise")
    start = dt.date(2024, 3, 1)
    for i in range(60):
        day = start + dt.timedelta(days=i)
        walked = i % 3 == 0
        tags = [walk] if walked else []
        if rng.random() < 0.5:
            tags.append(noise)
        checkin(alice, f"{day} 19:00", 3 if walked else rng.choice([-2, -1, 0]), 1, tags=tags)


def test_it_states_a_clear_pattern_and_keeps_chance_apart(
    alice: User, alice_client: Client
) -> None:
    _days(alice)
    response = alice_client.get("/history/insights/correlations/?period=2024")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "What went with your mood: 2024" in html
    claims = html.split('class="correlation-claims"')[1].split("</ul>")[0]
    assert "On days tagged “walk”, your mood averaged" in claims
    assert "not proof that one caused the other" in claims
    assert "“noise”" not in claims
    assert "Could be chance" in html


def test_htmx_gets_the_section_only(alice: User, alice_client: Client) -> None:
    _days(alice)
    response = alice_client.get(
        "/history/insights/correlations/?period=all", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="correlations" id="correlations">')
    assert "HX-Request" in response["Vary"]


def test_too_little_data_says_what_is_needed(alice: User, alice_client: Client) -> None:
    checkin(alice, "2024-03-01 09:00", 1, 1, tags=[tag(alice, "walk")])
    html = alice_client.get("/history/insights/correlations/?period=all").content.decode()
    assert "Not enough days yet: walk (1 with, 0 without)" in html
