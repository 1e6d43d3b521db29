"""The year in review and printable summary pages, as a browser gets them."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from tests.journal.history_data import checkin, tag, track, word

pytestmark = pytest.mark.django_db


def _year(alice: User) -> None:
    low = word(alice, "hollow", -3, -2)
    sang = tag(alice, "sang")
    song = track(alice, "Nina Simone", "Feeling Good")
    checkin(alice, "2025-02-01 09:00", 3, 2, tags=[sang], tracks=[song])
    checkin(alice, "2025-02-01 19:00", 4, 2)
    for day in (10, 11, 12):
        checkin(
            alice, f"2025-06-{day} 09:00", -3, -2, words=[low], note=f"Low day {day}.\nSecond line."
        )


def test_the_review_page_shows_the_year_warmly(alice: User, alice_client: Client) -> None:
    _year(alice)
    response = alice_client.get("/history/2025/review/")
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    html = response.content.decode()
    assert "Your 2025 in review" in html
    assert "In 2025 you checked in 5 times, on 4 days." in html
    assert "February was your brightest month." in html
    assert '<svg class="chart bars" role="img"' in html and "chart-year-mix" in html
    assert "Feeling Good" in html and "hollow" in html and "sang" in html
    assert "Low day 10.\nSecond line." in html  # the longest entry (all equal: the first)
    assert 'href="/history/insights/?period=2025"' in html


def test_the_review_of_an_empty_year_says_so(alice: User, alice_client: Client) -> None:
    _year(alice)
    html = alice_client.get("/history/2019/review/").content.decode()
    assert "There are no check-ins in 2019" in html
    assert 'href="/history/2025/review/"' in html
    assert alice_client.get("/history/3000/review/").status_code == 404


def test_the_summary_follows_the_period_and_shows_notes_only_when_asked(
    alice: User, alice_client: Client
) -> None:
    _year(alice)
    response = alice_client.get("/history/insights/summary/?period=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mood summary: 2025" in html
    assert "5 check-ins on 4 days" in html
    assert "10 Jun 2025 to 12 Jun 2025: 3 low days, averaging -3.0" in html
    assert "hollow (3)" in html and "sang (1)" in html
    assert "Low day" not in html
    noted = alice_client.get("/history/insights/summary/?period=2025&notes=1").content.decode()
    assert "Low day 10.\nSecond line." in noted
    assert 'name="notes" value="1" checked' in noted


def test_the_summary_explains_a_bad_period(alice: User, alice_client: Client) -> None:
    _year(alice)
    html = alice_client.get(
        "/history/insights/summary/?period=custom&from=2025-13-01"
    ).content.decode()
    assert "Please give both dates of the range" in html
    assert "Mood summary: All time" in html  # the default: the last 12 months are thin


def test_bob_sees_only_his_own(alice: User, bob_client: Client) -> None:
    _year(alice)
    html = bob_client.get("/history/2025/review/").content.decode()
    assert "There are no check-ins in 2025" in html and "Feeling Good" not in html
    assert (
        "Low day"
        not in bob_client.get("/history/insights/summary/?period=all&notes=1").content.decode()
    )


def test_history_links_the_years_insights_and_review_and_offers_last_year_in_january(
    alice: User, alice_client: Client
) -> None:
    _year(alice)
    html = alice_client.get("/history/?year=2025").content.decode()
    assert 'href="/history/insights/?period=2025"' in html
    assert 'href="/history/2025/review/"' in html
    assert "is ready to look back on" not in html
    with time_machine.travel("2026-01-10 12:00Z", tick=False):
        html = alice_client.get("/history/").content.decode()
    assert "Your 2025 is ready to look back on." in html
