"""The mood grid, Attune's signature, as a screen reader, a keyboard and a person
who asked for less motion meet it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import Browsing, add_session_cookie


def grid_page(browsing: Browsing, user: User, **options: Any) -> Any:
    context, _ = browsing.new_context(**options)
    add_session_cookie(context, browsing.base_url, user)
    page = context.new_page()
    page.goto("/")
    return page


def test_it_names_every_cell_for_a_screen_reader(browsing: Browsing, new_user: User) -> None:
    page = grid_page(browsing, new_user)
    group = page.get_by_role("group", name=re.compile("closest to how you feel"))
    expect(group).to_be_visible()
    cells = group.locator("[data-mood-grid]").get_by_role("button")
    expect(cells).to_have_count(81)
    names = [cell.get_attribute("value") for cell in cells.all()]
    assert len(set(names)) == 81
    # Colour is never the only cue: the name says the mood and its quadrant.
    expect(
        group.get_by_role("button", name="very unpleasant, very high energy (Stirred)", exact=True)
    ).to_have_count(1)
    expect(
        group.get_by_role("button", name="pleasant, low energy (Calm)", exact=True)
    ).to_have_count(1)
    expect(group.get_by_role("button", name="neutral, medium energy (In between)")).to_have_count(1)
    # ...and on screen each quadrant cell carries its shape.
    shape = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('[data-mood-grid] .cell.q-blue'), '::before').content"""
    )
    assert "▼" in shape


def test_it_moves_across_the_grid_with_arrow_keys(browsing: Browsing, new_user: User) -> None:
    page = grid_page(browsing, new_user)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-mood-grid]')"):
            break
    assert page.evaluate("() => document.activeElement.value") == "-4,4"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused cell shows a focus ring"
    for key, expected in [
        ("ArrowRight", "-3,4"),
        ("ArrowDown", "-3,3"),
        ("ArrowLeft", "-4,3"),
        ("ArrowLeft", "-4,3"),  # the edge holds
        ("ArrowUp", "-4,4"),
        *[("ArrowRight", f"{p},4") for p in range(-3, 5)],
        ("ArrowRight", "4,4"),  # and so does the right one
    ]:
        page.keyboard.press(key)
        assert page.evaluate("() => document.activeElement.value") == expected, key


def test_it_keeps_the_grid_still_when_less_motion_is_asked_for(
    browsing: Browsing, new_user: User
) -> None:
    still = grid_page(browsing, new_user, reduced_motion="reduce")
    cell = still.locator("[data-mood-grid] .cell").nth(10)
    cell.hover()
    assert cell.evaluate("(el) => getComputedStyle(el).transform") == "none"

    moving = grid_page(browsing, new_user, reduced_motion="no-preference")
    cell = moving.locator("[data-mood-grid] .cell").nth(10)
    cell.hover()
    moving.wait_for_timeout(250)
    assert cell.evaluate("(el) => getComputedStyle(el).transform") != "none"


def test_it_fits_the_grid_on_a_320_px_screen_with_usable_cells(
    browsing: Browsing, new_user: User
) -> None:
    page = grid_page(browsing, new_user, viewport={"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    box = page.locator("[data-mood-grid] .cell").first.bounding_box()
    assert box is not None
    # WCAG 2.2's minimum target is 24 px; nine columns fit 320 px at about 27.
    assert box["width"] >= 24 and box["height"] >= 24, box
