"""Journeys 1 and 7: the first check-in by mouse, one by keyboard only, a full
check-in in under 20 seconds without a reload, and the same with JavaScript off.

Written against issue 3's description (tap a cell → saved at once → word chips
for that region; note, tags, tracks each saved as added). They skip until the
check-in POST is on this checkout."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from mood.models import EmotionWord
from tests.e2e.conftest import (
    SENTINEL_NOTE,
    Browsing,
    Watch,
    add_session_cookie,
    axe_check,
    require,
    screenshot,
)

NO_RELOAD_MARK = "() => { window.__stillHere = 'yes'; }"
STILL_HERE = "() => window.__stillHere === 'yes'"


@pytest.fixture(autouse=True)
def _check_in_ready(new_user: User) -> None:
    require("/", new_user, method="post")


def checkins(user: User) -> list[tuple[int, int]]:
    return list(
        CheckIn.objects.filter(user=user, deleted_at__isnull=True)
        .exclude(pk__in=sentinel_ids(user))
        .values_list("pleasantness", "energy")
    )


def sentinel_ids(user: User) -> list[int]:
    return [c.pk for c in CheckIn.objects.filter(user=user) if c.note == SENTINEL_NOTE]


def nearest_words(pleasantness: int, energy: int, k: int = 8) -> list[str]:
    words = EmotionWord.objects.filter(user__isnull=True)
    ranked = sorted(
        words, key=lambda w: (w.pleasantness - pleasantness) ** 2 + (w.energy - energy) ** 2
    )
    return [w.word for w in ranked[:k]]


def grid_cell(page: Any, description: str) -> Any:
    return page.locator("[data-mood-grid]").get_by_role(
        "button", name=re.compile(rf"^{re.escape(description)} \(")
    )


def wait_for(condition: Any, what: str, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds}s for {what}")
        time.sleep(0.1)


def logged_in_page(browsing: Browsing, user: User, **options: Any) -> tuple[Any, Watch]:
    context, watch = browsing.new_context(**options)
    add_session_cookie(context, browsing.base_url, user)
    return context.new_page(), watch


def test_it_saves_the_first_check_in_with_one_tap(browsing: Browsing, new_user: User) -> None:
    page, _ = logged_in_page(browsing, new_user)
    page.goto("/")
    page.evaluate(NO_RELOAD_MARK)

    grid_cell(page, "pleasant, high energy").click()

    # Saved at once, then words for that region are offered, without a reload.
    expect(word_chips(page, nearest_words(3, 3)).first).to_be_visible()
    screenshot(page, "checkin-editor")
    axe_check(page)
    wait_for(lambda: checkins(new_user) == [(3, 3)], "the check-in to be saved")
    assert page.evaluate(STILL_HERE), "the page reloaded"


def test_it_checks_in_by_keyboard_only(browsing: Browsing, new_user: User) -> None:
    page, _ = logged_in_page(browsing, new_user)
    page.goto("/")
    page.evaluate(NO_RELOAD_MARK)

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-mood-grid]')"):
            break
    else:
        pytest.fail("Tab never reached the mood grid")
    start = page.evaluate("() => document.activeElement.value || ''")
    assert start == "-4,4", f"Tab should land on the grid's first cell, got {start!r}"

    for key in ["ArrowRight"] * 5 + ["ArrowDown"] * 6:
        page.keyboard.press(key)
    focused = page.evaluate("() => document.activeElement.value")
    assert focused == "1,-2"
    page.keyboard.press("Enter")

    wait_for(lambda: checkins(new_user) == [(1, -2)], "the keyboard check-in to be saved")
    assert page.evaluate(STILL_HERE), "the page reloaded"


def test_it_records_mood_words_note_tag_and_a_new_song_in_under_20_seconds(
    browsing: Browsing, new_user: User
) -> None:
    """Issue 3, acceptance 4; test_music continues it into /music/ (journey 2)."""
    page, watch = logged_in_page(browsing, new_user)
    note = "Walked home in the rain, humming the whole way."
    watch.notes.append(note)
    page.goto("/")
    page.evaluate(NO_RELOAD_MARK)
    started = time.monotonic()

    grid_cell(page, "somewhat pleasant, slightly low energy").click()
    picked = pick_words(page, nearest_words(2, -1), 2)

    page.get_by_label(re.compile("note", re.I)).fill(note)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).not_to_have_count(0)
    page.get_by_role("checkbox", name="listened to music").check()
    page.get_by_label("Add a song").fill("Nina Simone – Feeling Good")
    page.get_by_label("Pleasant", exact=True).select_option("3")
    page.get_by_label("Energy", exact=True).select_option("1")
    page.get_by_role("button", name="Add song").click()
    expect(page.get_by_text("Nina Simone – Feeling Good").first).to_be_visible()
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("list").get_by_text("Walked home in the rain")).to_be_visible()

    elapsed = time.monotonic() - started
    assert elapsed < 20, f"a full check-in took {elapsed:.1f}s"
    assert page.evaluate(STILL_HERE), "the page reloaded"

    checkin = CheckIn.objects.exclude(pk__in=sentinel_ids(new_user)).get(user=new_user)
    assert (checkin.pleasantness, checkin.energy) == (2, -1)
    assert sorted(checkin.words.values_list("word", flat=True)) == sorted(picked)
    assert checkin.note == note
    assert list(checkin.tags.values_list("name", flat=True)) == ["listened to music"]
    link = checkin.track_links.select_related("track__artist").get()
    assert (link.track.artist.name, link.track.title) == ("Nina Simone", "Feeling Good")
    assert (link.pleasantness, link.energy) == (3, 1)


def word_chips(page: Any, words: list[str]) -> Any:
    names = re.compile("^(" + "|".join(map(re.escape, words)) + ")$")
    return page.get_by_role("checkbox", name=names)


def pick_words(page: Any, candidates: list[str], count: int) -> list[str]:
    expect(word_chips(page, candidates).first).to_be_visible()
    picked = []
    for word in candidates:
        chip = page.get_by_role("checkbox", name=word, exact=True)
        if chip.count() and chip.first.is_visible():
            chip.first.check()
            picked.append(word)
        if len(picked) == count:
            return picked
    pytest.fail(f"expected {count} word chips among the words near the tap: {candidates}")


def test_it_checks_in_with_javascript_off(browsing: Browsing, new_user: User) -> None:
    """Journey 7: plain forms and full pages do everything."""
    page, watch = logged_in_page(browsing, new_user, java_script_enabled=False)
    note = "No scripts tonight, just the radio."
    watch.notes.append(note)
    page.goto("/")

    grid_cell(page, "slightly unpleasant, somewhat low energy").click()
    expect(page.get_by_role("heading", name=re.compile("slightly unpleasant"))).to_be_visible()
    assert checkins(new_user) == [(-1, -2)]

    (word,) = pick_words(page, nearest_words(-1, -2), 1)
    page.get_by_role("button", name="Save words").click()
    page.get_by_label(re.compile("note", re.I)).fill(note)
    page.get_by_role("button", name="Save note").click()
    page.get_by_role("link", name="Done").click()

    expect(page.get_by_text(note)).to_be_visible()
    checkin = CheckIn.objects.exclude(pk__in=sentinel_ids(new_user)).get(user=new_user)
    assert list(checkin.words.values_list("word", flat=True)) == [word]
    assert checkin.note == note


def test_it_keeps_the_editor_accessible_in_dark_mode_on_a_small_screen(
    browsing: Browsing, new_user: User
) -> None:
    page, _ = logged_in_page(
        browsing, new_user, color_scheme="dark", viewport={"width": 320, "height": 700}
    )
    page.goto("/")
    grid_cell(page, "somewhat unpleasant, low energy").click()
    expect(word_chips(page, nearest_words(-2, -3)).first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    screenshot(page, "checkin-editor")
    axe_check(page)
