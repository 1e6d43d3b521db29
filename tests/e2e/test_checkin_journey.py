"""A new user checks in with a real browser: mood, two words, a note, a tag and
a new song, in under 20 seconds and without a page reload."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.models import User
from journal.models import CheckIn, CheckInTrack
from mood.models import EmotionWord
from mood.vocabulary import install_vocabulary
from tests.conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM") or shutil.which("chromium") or ""


@pytest.fixture
def browser_page(live_server: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    yield from browser_context(monkeypatch, bypass_csp=False)


@pytest.fixture
def axe_context(live_server: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    # Only so the axe script can be injected; the journey test runs under the CSP.
    yield from browser_context(monkeypatch, bypass_csp=True)


def browser_context(monkeypatch: pytest.MonkeyPatch, *, bypass_csp: bool) -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made here are ordinary blocking calls between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        options: dict[str, object] = {"headless": True}
        if CHROMIUM:
            options["executable_path"] = CHROMIUM
        try:
            browser = playwright.chromium.launch(**options)
        except Exception as error:  # no browser on this machine
            pytest.fail(f"Chromium could not start ({error}); .ci/run installs Debian's chromium")
        context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=bypass_csp)
        yield context
        browser.close()


def logged_in(context: object, live_server: object, user: User) -> object:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies(  # type: ignore[attr-defined]
        [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]  # type: ignore[attr-defined]
    )
    return context.new_page()  # type: ignore[attr-defined]


def test_it_takes_a_full_check_in_in_under_20_seconds_without_a_reload(
    browser_page: object, live_server: object
) -> None:
    install_vocabulary(EmotionWord)  # transactional tests flush migration data
    user = make_user("newcomer@example.com", time_zone="Europe/Berlin")
    page = logged_in(browser_page, live_server, user)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))  # type: ignore[attr-defined]
    page.on(  # type: ignore[attr-defined]
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" else None
    )
    page.goto(live_server.url + "/")  # type: ignore[attr-defined]
    page.evaluate("window.__sameDocument = true")  # type: ignore[attr-defined]
    started = time.monotonic()

    # Keyboard onto the grid: the first cell, then arrows to +3 pleasant / +2 energy.
    page.locator("button.cell").first.focus()  # type: ignore[attr-defined]
    for key in ["ArrowDown", "ArrowDown"] + ["ArrowRight"] * 7:
        page.keyboard.press(key)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Saved ✓").wait_for()  # type: ignore[attr-defined]

    # Two words with the mouse; each saves on its own.
    page.get_by_label("happy", exact=True).check()  # type: ignore[attr-defined]
    page.locator(".saved", has_text="Saved ✓").first.wait_for()  # type: ignore[attr-defined]
    page.get_by_label("proud", exact=True).check()  # type: ignore[attr-defined]
    page.get_by_label("A note").fill("Sang with the choir tonight.")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save note").click()  # type: ignore[attr-defined]
    page.get_by_text("Sang with the choir tonight.", exact=True).wait_for()  # type: ignore[attr-defined]
    page.get_by_label(re.compile(r"^\W*sang$")).check()  # type: ignore[attr-defined]
    page.get_by_text("Tags: sang").wait_for()  # type: ignore[attr-defined]
    page.get_by_label("Add a song").fill("Nina Simone – Feeling Good")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add song").click()  # type: ignore[attr-defined]
    page.locator(".track-name", has_text="Nina Simone – Feeling Good").wait_for()  # type: ignore[attr-defined]
    elapsed = time.monotonic() - started

    print(f"full check-in took {elapsed:.1f} s")
    assert elapsed < 20, elapsed
    assert page.evaluate("window.__sameDocument === true")  # type: ignore[attr-defined]
    assert errors == []
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.pleasantness, checkin.energy) == (3, 2)
    assert sorted(checkin.words.values_list("word", flat=True)) == ["happy", "proud"]
    assert list(checkin.tags.values_list("name", flat=True)) == ["sang"]
    assert checkin.note == "Sang with the choir tonight."
    assert CheckInTrack.objects.get(checkin=checkin).track.title == "Feeling Good"

    # Delete it from today's list, then change our mind.
    page.get_by_role("button", name=re.compile("^Delete")).click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Undo").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name=re.compile("^Delete")).wait_for()  # type: ignore[attr-defined]
    assert CheckIn.objects.live().filter(pk=checkin.pk).exists()
    assert page.evaluate("window.__sameDocument === true")  # type: ignore[attr-defined]


AXE = "tests/e2e/vendor/axe-4.14.1.min.js"


def axe_violations(page: object) -> list[str]:
    page.add_script_tag(path=AXE)  # type: ignore[attr-defined]
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")  # type: ignore[attr-defined]
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_the_check_in_pages_pass_axe(axe_context: object, live_server: object) -> None:
    install_vocabulary(EmotionWord)
    user = make_user("axe@example.com", time_zone="Europe/Berlin")
    page = logged_in(axe_context, live_server, user)
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(base + "/")  # type: ignore[attr-defined]
    assert axe_violations(page) == []
    page.locator("button.cell").nth(40).click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name=re.compile("Saved")).wait_for()  # type: ignore[attr-defined]
    assert axe_violations(page) == []
    for path in ("/words/", "/tags/", f"/checkins/{CheckIn.objects.get(user=user).pk}/"):
        page.goto(base + path)  # type: ignore[attr-defined]
        assert axe_violations(page) == [], path
