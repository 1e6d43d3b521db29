"""Reading reflections in the browser, and unsubscribing from the email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.build import ensure_content
from journal.reflections.delivery import deliver_reflections
from journal.reflections.unsubscribe import unsubscribe_token
from tests.journal.reflection_helpers import WEEK, checkin, days

pytestmark = pytest.mark.django_db


def blue_week(user: User) -> WeeklyReflection:
    for day in days()[:4]:
        checkin(user, day, -2, -2, words=["tired"], note="my private words")
    reflection = WeeklyReflection.objects.create(user=user, week_start=WEEK)
    ensure_content(reflection)
    return reflection


def test_it_lists_reflections_with_a_constant_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: Any
) -> None:
    blue_week(alice)
    for weeks_back in (1, 2, 3):
        r = WeeklyReflection.objects.create(
            user=alice, week_start=WEEK - dt.timedelta(days=7 * weeks_back)
        )
        ensure_content(r)
    with django_assert_num_queries(3):  # session, user, reflections
        response = alice_client.get("/reflections/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Week of 16–22 November 2026" in html
    assert "4 check-ins" in html
    assert "Comfort and Solace" in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_it_shows_a_reflection_with_its_playlists_and_exercise(
    alice: User, alice_client: Client
) -> None:
    reflection = blue_week(alice)
    response = alice_client.get(f"/reflections/{reflection.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your week, 16–22 November 2026" in html
    assert "Comfort and Solace" in html
    assert "Emotional Release" in html
    assert "Something to try" in html
    assert 'hx-history="false"' in html
    assert "no-store" in response["Cache-Control"]


def test_another_user_gets_404_for_a_reflection(alice: User, bob_client: Client) -> None:
    reflection = blue_week(alice)
    assert bob_client.get(f"/reflections/{reflection.pk}/").status_code == 404
    assert "Comfort" not in bob_client.get("/reflections/").content.decode()


def test_a_new_user_sees_a_kind_empty_list(alice_client: Client) -> None:
    html = alice_client.get("/reflections/").content.decode()
    assert "Your first reflection arrives after your first week." in html


def test_the_empty_week_reads_warmly_in_the_browser_and_email(
    alice: User, alice_client: Client
) -> None:
    reflection = WeeklyReflection.objects.create(user=alice, week_start=WEEK)
    deliver_reflections([reflection.pk])
    assert mail.outbox[0].subject == "A quiet week, and that's okay · 16–22 November 2026"
    assert "that's perfectly okay" in mail.outbox[0].body
    html = alice_client.get(f"/reflections/{reflection.pk}/").content.decode()
    assert "that&#x27;s perfectly okay" in html or "that's perfectly okay" in html


def test_a_very_low_week_shows_care_resources_gently(
    alice: User, alice_client: Client, settings: Any
) -> None:
    settings.ATTUNE_CARE_RESOURCES = (
        "Talk to someone you trust.\nCall the Listening Line on 0800 123."
    )
    for day in days()[:5]:
        checkin(alice, day, -4, -3)
    reflection = WeeklyReflection.objects.create(user=alice, week_start=WEEK)
    deliver_reflections([reflection.pk])
    body = mail.outbox[0].body
    assert "You don't have to carry that on your own." in body
    assert "Call the Listening Line on 0800 123." in body
    for alarming in ("urgent", "warning", "depress", "diagnos", "crisis", "!"):
        assert (
            alarming
            not in body.lower().split("looking after yourself")[1].split("your week in music")[0]
        )
    html = alice_client.get(f"/reflections/{reflection.pk}/").content.decode()
    assert "Call the Listening Line on 0800 123." in html


# --- unsubscribe -----------------------------------------------------------------


def test_the_email_link_unsubscribes_without_logging_in(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{unsubscribe_token(alice, 'reflection')}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop the weekly reflection email?" in page.content.decode()
    alice.refresh_from_db()
    assert alice.reflection_enabled  # a GET (or a link scanner) changes nothing
    token = page.context["csrf_token"]
    done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert "You're unsubscribed" in done.content.decode()
    alice.refresh_from_db()
    assert not alice.reflection_enabled


def test_the_confirm_button_needs_its_csrf_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{unsubscribe_token(alice, 'reflection')}/"
    assert client.post(url).status_code == 403
    alice.refresh_from_db()
    assert alice.reflection_enabled


def test_the_one_click_header_post_unsubscribes(alice: User) -> None:
    reflection = WeeklyReflection.objects.create(user=alice, week_start=WEEK)
    deliver_reflections([reflection.pk])
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    url = header.strip("<>").split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/" + url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert not alice.reflection_enabled


def test_a_token_cannot_unsubscribe_anyone_else(alice: User, bob: User) -> None:
    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(alice, "reflection")
    # Tamper with the user id inside the signed value: the signature fails.
    forged = token.replace(token.split(":")[0], unsubscribe_token(bob, "reflection").split(":")[0])
    response = client.post(f"/unsubscribe/{forged}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 404
    client.post(f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert not alice.reflection_enabled
    assert bob.reflection_enabled


def test_a_garbled_link_gets_a_kind_page(client: Client) -> None:
    response = client.get("/unsubscribe/not-a-token/")
    assert response.status_code == 404
    assert "This link doesn" in response.content.decode()


def test_it_saves_the_suggested_playlists_from_the_users_music_and_links_them(
    alice: User, alice_client: Client
) -> None:
    from music.models import Playlist, UserTrack
    from tests.music.playlist_helpers import grid_library

    grid_library(alice, step=1)
    reflection = blue_week(alice)
    suggestions = reflection.content["suggestions"]
    assert [s["preset"] for s in suggestions] == ["comfort", "release"]
    playlists = Playlist.objects.filter(user=alice).order_by("pk")
    assert [p.preset for p in playlists] == ["comfort", "release"]
    assert playlists[0].name == "Comfort and Solace · week of 16 November"
    assert playlists[0].items.count() == suggestions[0]["tracks"] > 0
    # Starts where the week was (iso principle): the first song sits near (-2, -2).
    first = playlists[0].items.first()
    assert first is not None
    feel = UserTrack.objects.get(user=alice, track_id=first.track_id)
    assert feel.feel_pleasantness is not None and feel.feel_energy is not None
    assert abs(feel.feel_pleasantness + 2) <= 2 and abs(feel.feel_energy + 2) <= 2
    html = alice_client.get(f"/reflections/{reflection.pk}/").content.decode()
    assert f'href="{settings.SITE_URL}/playlists/{playlists[0].pk}/"' in html
    assert alice_client.get(f"/playlists/{playlists[0].pk}/").status_code == 200
    # Delivering the email later reuses the stored content: no second set.
    deliver_reflections([reflection.pk])
    assert Playlist.objects.filter(user=alice).count() == 2
    assert f"{settings.SITE_URL}/playlists/{playlists[1].pk}/" in mail.outbox[0].body


def test_a_user_without_music_of_known_feel_gets_the_suggestion_and_a_way_forward(
    alice: User, alice_client: Client
) -> None:
    reflection = blue_week(alice)
    suggestion = reflection.content["suggestions"][0]
    assert suggestion["playlist_id"] is None
    assert suggestion["shortfall"]
    html = alice_client.get(f"/reflections/{reflection.pk}/").content.decode()
    assert "Make this playlist" in html
