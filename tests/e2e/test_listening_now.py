"""Now playing, one tap away (issue 16, acceptance 2): a song a player reports
through the listening API shows on the check-in page, is attached with one tap,
and the check-in shows it. With JavaScript and without."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from music.listening.tokens import token_for
from tests.e2e.conftest import SENTINEL_NOTE, Browsing, add_session_cookie, axe_check
from tests.e2e.test_checkin import grid_cell, wait_for


def report_playing(base_url: str, user: User, title: str) -> None:
    """What a scrobbler does: a playing_now submission over HTTP."""
    request = urllib.request.Request(
        f"{base_url}/1/submit-listens",
        method="POST",
        data=json.dumps(
            {
                "listen_type": "playing_now",
                "payload": [
                    {
                        "track_metadata": {
                            "artist_name": "Massive Attack",
                            "track_name": title,
                            "additional_info": {"duration_ms": 330_000},
                        }
                    }
                ],
            }
        ).encode(),
        headers={"Authorization": f"Token {token_for(user).key}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def new_checkin(user: User) -> CheckIn | None:
    return (
        CheckIn.objects.filter(user=user, deleted_at__isnull=True)
        .exclude(
            pk__in=[c.pk for c in CheckIn.objects.filter(user=user) if c.note == SENTINEL_NOTE]
        )
        .first()
    )


def attached(user: User) -> list[str]:
    return list(
        CheckInTrack.objects.filter(checkin__user=user).values_list("track__title", flat=True)
    )


def test_the_song_playing_now_is_attached_with_one_tap(browsing: Browsing, new_user: User) -> None:
    context, _watch = browsing.new_context()
    add_session_cookie(context, browsing.base_url, new_user)
    page: Any = context.new_page()
    report_playing(browsing.base_url, new_user, "Teardrop")

    page.goto("/")
    grid_cell(page, "pleasant, slightly low energy").click()
    offer = page.get_by_role("button", name="Add to this check-in")
    expect(offer).to_be_visible()
    expect(page.locator(".listening-now")).to_contain_text(
        "Listening to Teardrop by Massive Attack"
    )
    axe_check(page, context="check-in editor with a song playing now")
    offer.click()

    expect(page.get_by_text("Massive Attack – Teardrop").first).to_be_visible()
    expect(page.get_by_role("button", name="Add to this check-in")).to_have_count(0)
    wait_for(lambda: attached(new_user) == ["Teardrop"], "the song to be attached")
    checkin = new_checkin(new_user)
    assert checkin is not None

    page.get_by_role("link", name="Done").click()
    expect(page.locator(f"#checkin-{checkin.pk}")).to_contain_text("Massive Attack – Teardrop")


def test_it_works_with_javascript_off(browsing: Browsing, new_user: User) -> None:
    context, _watch = browsing.new_context(java_script_enabled=False)
    add_session_cookie(context, browsing.base_url, new_user)
    page: Any = context.new_page()
    report_playing(browsing.base_url, new_user, "Angel")

    page.goto("/")
    grid_cell(page, "unpleasant, high energy").click()
    page.get_by_role("button", name="Add to this check-in").click()
    wait_for(lambda: attached(new_user) == ["Angel"], "the song to be attached")
    page.goto("/")
    expect(page.get_by_text("Massive Attack – Angel").first).to_be_visible()
