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


def tab_into_grid(page: Any, limit: int = 40) -> int:
    """Press Tab until focus is in the grid; returns the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-mood-grid]')"):
            return presses
    raise AssertionError("Tab never reached the mood grid")


def focused_value(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.value"))


def test_it_moves_across_the_grid_with_arrow_keys(browsing: Browsing, new_user: User) -> None:
    page = grid_page(browsing, new_user)
    tab_into_grid(page)
    # The keyboard starts on the last check-in's square (the journey user's is 2,-1).
    assert focused_value(page) == "2,-1"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused cell shows a focus ring"
    for key, expected in [
        ("ArrowRight", "3,-1"),
        ("ArrowDown", "3,-2"),
        ("ArrowLeft", "2,-2"),
        ("Home", "-4,-2"),
        ("ArrowLeft", "-4,-2"),  # the edge holds
        ("PageUp", "-4,4"),
        ("ArrowUp", "-4,4"),  # and so does the top
        ("End", "4,4"),
        ("ArrowRight", "4,4"),  # and the right
        ("PageDown", "4,-4"),
        ("ArrowDown", "4,-4"),  # and the bottom
    ]:
        page.keyboard.press(key)
        assert focused_value(page) == expected, key


def test_it_is_one_tab_stop_that_remembers_the_square(browsing: Browsing, new_user: User) -> None:
    page = grid_page(browsing, new_user)
    tab_into_grid(page)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    assert not page.evaluate("() => !!document.activeElement.closest('[data-mood-grid]')")
    page.keyboard.press("Shift+Tab")
    assert focused_value(page) == "2,0", "Shift+Tab comes back to the square last focused"
    tabbable = page.evaluate(
        "() => [...document.querySelectorAll('[data-mood-grid] .cell')]"
        ".filter(c => c.tabIndex >= 0).length"
    )
    assert tabbable == 1


def test_it_starts_at_the_centre_for_someone_new(browsing: Browsing, e2e_db: None) -> None:
    from tests.conftest import make_user

    fresh = make_user("nova@example.com", display_name="Nova")
    page = grid_page(browsing, fresh)
    tab_into_grid(page)
    assert focused_value(page) == "0,0"


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


def test_it_gives_squares_36_px_on_a_390_px_phone_and_44_where_width_allows(
    browsing: Browsing, new_user: User
) -> None:
    phone = grid_page(browsing, new_user, viewport={"width": 390, "height": 844})
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    for box in cell_boxes(phone):
        assert box["width"] >= 36 and box["height"] >= 36, box
    wide = grid_page(browsing, new_user, viewport={"width": 1280, "height": 900})
    for box in cell_boxes(wide):
        assert box["width"] >= 44 and box["height"] >= 44, box


def cell_boxes(page: Any) -> list[dict[str, float]]:
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('[data-mood-grid] .cell')].map(c => {"
            " const r = c.getBoundingClientRect(); return {width: r.width, height: r.height}; })"
        )
    )
