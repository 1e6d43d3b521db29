"""The check-in editor's day figures: one field each, saved for the check-in's
local day, with and without HTMX; bad input explained and kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from journal import checkins, day_attributes
from journal.models import DayAttribute
from mood.values import Mood

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def test_the_editor_shows_and_saves_the_days_figures(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    page = alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Hours slept" in page and "Minutes of exercise" in page
    assert "Minutes playing or singing" in page
    response = alice_client.post(
        f"/checkins/{checkin.pk}/day/", {"sleep_hours": "7:30", "music_minutes": "25"}
    )
    assert response["Location"] == f"/checkins/{checkin.pk}/"
    assert day_attributes.values_for(alice, checkin.local_date) == {
        DayAttribute.Kind.SLEEP: Decimal("7.50"),
        DayAttribute.Kind.MUSIC_MAKING: Decimal("25.00"),
    }
    page = alice_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert f'name="sleep_hours" id="day-{checkin.pk}-sleep_hours" value="7.5"' in page
    # Another check-in the same day shows the same figures: they belong to the day.
    other = checkins.create_checkin(alice, Mood(-1, 1))
    page = alice_client.get(f"/checkins/{other.pk}/").content.decode()
    assert 'value="25"' in page
    alice_client.post(f"/checkins/{other.pk}/day/", {"sleep_hours": ""}, headers=HX)
    assert DayAttribute.Kind.SLEEP not in day_attributes.values_for(alice, checkin.local_date)


def test_htmx_says_saved_and_a_bad_value_is_explained_and_kept(
    alice: User, alice_client: Client
) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    saved = alice_client.post(
        f"/checkins/{checkin.pk}/day/", {"exercise_minutes": "40"}, headers=HX
    )
    assert "Saved ✓" in saved.content.decode()
    bad = alice_client.post(
        f"/checkins/{checkin.pk}/day/",
        {"sleep_hours": "all night", "exercise_minutes": "50"},
        headers=HX,
    )
    html = bad.content.decode()
    assert bad["HX-Retarget"] == f"#day-{checkin.pk}"
    assert "Hours slept: please write a number of hours, like 7.5 or 7:30." in html
    assert 'value="all night"' in html and 'value="50"' in html
    assert day_attributes.values_for(alice, checkin.local_date) == {
        DayAttribute.Kind.EXERCISE: Decimal("40.00")
    }


def test_another_user_cannot_set_figures_through_a_checkin(alice: User, bob_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    assert bob_client.post(f"/checkins/{checkin.pk}/day/", {"sleep_hours": "8"}).status_code == 404
    assert not DayAttribute.objects.exists()
