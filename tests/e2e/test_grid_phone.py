"""Issue 18, acceptance 1: the grid tells you what you tap. A keyboard-only
check-in from page load in six key presses with the meaning announced; on a
390 px phone a tap shows the meaning before anything is saved."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from tests.e2e.conftest import Browsing, add_session_cookie, axe_check

LIVE = "[data-mood-live]"


def new_checkins(user: User) -> list[tuple[int, int]]:
    # Everything but the journey user's first check-in (yesterday's, with the sentinel note).
    first = CheckIn.objects.filter(user=user).order_by("pk").values_list("pk", flat=True)[:1]
    return list(
        CheckIn.objects.filter(user=user, deleted_at__isnull=True)
        .exclude(pk__in=list(first))
        .values_list("pleasantness", "energy")
    )


def wait_for(condition: Any, what: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds}s for {what}")
        time.sleep(0.1)


def open_page(browsing: Browsing, user: User, **options: Any) -> Any:
    context, _ = browsing.new_context(**options)
    add_session_cookie(context, browsing.base_url, user)
    page = context.new_page()
    page.goto("/")
    return page


def record_live_changes(page: Any) -> None:
    page.evaluate(
        """() => {
          window.__announced = [];
          const live = document.querySelector('[data-mood-live]');
          new MutationObserver(() => window.__announced.push(live.textContent))
            .observe(live, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_it_checks_in_by_keyboard_from_page_load_in_six_presses(
    browsing: Browsing, new_user: User
) -> None:
    page = open_page(browsing, new_user)
    live = page.locator(LIVE)
    expect(live).to_have_attribute("aria-live", "polite")
    record_live_changes(page)

    # The journey user's last check-in is at 2,-1; the aim is 1,-2.
    presses = ["Tab", "Enter", "ArrowLeft", "ArrowDown", "Enter"]
    for key in presses[:-1]:
        page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.value") == "1,-2"
    expect(live).to_contain_text("Slightly pleasant, somewhat low energy")
    announced = page.evaluate("() => window.__announced")
    assert any("Slightly pleasant" in text for text in announced), announced
    assert new_checkins(new_user) == [], "nothing is saved before Enter"
    page.keyboard.press(presses[-1])

    assert len(presses) <= 6
    wait_for(lambda: new_checkins(new_user) == [(1, -2)], "the keyboard check-in")


def test_it_shows_what_a_tap_means_before_saving_on_a_phone(
    browsing: Browsing, new_user: User
) -> None:
    page = open_page(
        browsing, new_user, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    cell = page.locator('[data-mood-grid] .cell[value="3,3"]')
    box = cell.bounding_box()
    assert box is not None and box["width"] >= 36 and box["height"] >= 36, box

    cell.tap()
    live = page.locator(LIVE)
    expect(live).to_contain_text("Pleasant, high energy (Bright)")
    expect(live).to_contain_text("Tap it again to save")
    page.wait_for_timeout(300)
    assert new_checkins(new_user) == [], "the first tap only shows the meaning"

    # A tap on another square shows that one instead; a second tap on it saves.
    other = page.locator('[data-mood-grid] .cell[value="2,-1"]')
    other.tap()
    expect(live).to_contain_text("Somewhat pleasant, slightly low energy")
    assert new_checkins(new_user) == []
    other.tap()
    expect(page.get_by_role("heading", name=re.compile("Saved"))).to_be_visible()
    assert new_checkins(new_user) == [(2, -1)]
    axe_check(page)


def test_it_saves_with_one_tap_for_those_who_asked(browsing: Browsing, new_user: User) -> None:
    new_user.one_tap_checkin = True
    new_user.save(update_fields=["one_tap_checkin"])
    page = open_page(
        browsing, new_user, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page.locator('[data-mood-grid] .cell[value="-2,3"]').tap()
    expect(page.get_by_role("heading", name=re.compile("Saved"))).to_be_visible()
    assert new_checkins(new_user) == [(-2, 3)]


def test_it_names_the_square_under_the_mouse(browsing: Browsing, new_user: User) -> None:
    page = open_page(browsing, new_user)
    page.locator('[data-mood-grid] .cell[value="-3,-3"]').hover()
    expect(page.locator(LIVE)).to_contain_text("Unpleasant, low energy (Heavy)")
    assert new_checkins(new_user) == []
    axe_check(page)


def test_it_saves_at_another_moment_chosen_above_the_grid(
    browsing: Browsing, new_user: User
) -> None:
    page = open_page(browsing, new_user, viewport={"width": 390, "height": 844})
    when = page.get_by_text("Another day or time")
    grid = page.locator("[data-mood-grid]")
    when_box, grid_box = when.bounding_box(), grid.bounding_box()
    assert when_box is not None and grid_box is not None
    assert when_box["y"] < grid_box["y"], "the moment is chosen above the grid"
    when.click()
    page.get_by_label("Date").fill("2026-01-02")
    page.get_by_label("Time").fill("07:30")
    page.locator('[data-mood-grid] .cell[value="0,1"]').click()
    expect(page.get_by_role("heading", name=re.compile("Saved"))).to_be_visible()
    checkin = CheckIn.objects.filter(user=new_user).latest("pk")
    local = checkin.felt_at.astimezone(new_user.zone)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-01-02", "07:30")
