"""Issue 17: a past entry opened from the timeline and from a calendar day,
read in full, edited, deleted and brought back with Undo — with JavaScript
(the entry expands in place) and without; the year in review and the
printable summary print to PDF and pass axe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from mood.models import EmotionWord
from tests.e2e.conftest import Browsing, Watch, add_session_cookie, axe_check
from tests.journal.history_data import checkin, tag

NOTE = (
    "Walked to the old harbour.\nThe wind had turned.\nA long second half of the note "
    + ("that goes on about the boats and the light on the water. " * 6).strip()
    + "\nThe very last line."
)
EDITED = "Edited later: it was a good day after all."


def shipped(pleasantness: int, energy: int) -> EmotionWord:
    """A word Attune ships (journeys add none: the refilled vocabulary keeps
    its migration ids, so a new word's id could collide)."""
    return EmotionWord.objects.filter(
        user__isnull=True, pleasantness=pleasantness, energy=energy
    ).order_by("word")[0]


def past_entry(user: User) -> CheckIn:
    return checkin(
        user,
        "2025-10-04 18:30",
        2,
        -1,
        words=[shipped(1, -2)],
        tags=[tag(user, "harbour walk")],
        note=NOTE,
    )


def logged_in(browsing: Browsing, user: User, **options: Any) -> tuple[Any, Watch]:
    context, watch = browsing.new_context(**options)
    add_session_cookie(context, browsing.base_url, user)
    watch.notes += [NOTE, EDITED]
    return context.new_page(), watch


def edit_note(page: Any) -> None:
    page.get_by_role("link", name="Edit").click()
    page.get_by_label(re.compile("note", re.I)).fill(EDITED)
    page.get_by_role("button", name="Save note").click()


def test_it_opens_edits_deletes_and_undoes_a_past_entry_with_javascript(
    browsing: Browsing, new_user: User
) -> None:
    made = past_entry(new_user)
    page, _ = logged_in(browsing, new_user)
    page.goto("/history/?year=2025")
    entry = page.locator("li.entry", has_text="harbour walk")
    expect(entry.get_by_text("The very last line.")).to_have_count(0)  # an excerpt only
    entry.get_by_role("link", name=re.compile("Open the whole entry")).click()
    full = page.locator(f"#entry-full-{made.pk}")
    expect(full.get_by_text("The very last line.")).to_be_visible()  # expanded in place
    assert page.url.endswith("/history/?year=2025")
    assert "The wind had turned.<br>" in full.inner_html()  # line breaks kept

    full.get_by_role("button", name="Delete").click()
    expect(full.get_by_text("This check-in is deleted.")).to_be_visible()
    assert not CheckIn.objects.live().filter(pk=made.pk).exists()
    full.get_by_role("button", name="Undo delete").click()
    expect(full.get_by_text("The very last line.")).to_be_visible()
    assert CheckIn.objects.live().filter(pk=made.pk).exists()

    edit_note(page)
    expect(page.get_by_text("Saved ✓").first).to_be_visible()
    made.refresh_from_db()
    assert made.note == EDITED


def test_it_does_the_same_from_a_calendar_day_without_javascript(
    browsing: Browsing, new_user: User
) -> None:
    made = past_entry(new_user)
    page, _ = logged_in(browsing, new_user, java_script_enabled=False)
    page.goto("/history/?year=2025")
    page.get_by_role("link", name=re.compile(r"^Saturday 4 October")).click()
    expect(page.get_by_role("heading", name="Saturday 4 October 2025", exact=True)).to_be_visible()
    expect(page.get_by_text("The very last line.")).to_be_visible()

    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Check-in deleted. You can undo this for 2 minutes.")).to_be_visible()
    assert not CheckIn.objects.live().filter(pk=made.pk).exists()
    page.get_by_role("button", name="Undo delete").click()
    expect(page.get_by_text("Check-in restored.")).to_be_visible()
    expect(page.get_by_text("The very last line.")).to_be_visible()

    edit_note(page)
    made.refresh_from_db()
    assert made.note == EDITED
    page.goto(f"/history/entries/{made.pk}/")
    expect(page.get_by_text(EDITED)).to_be_visible()


def test_the_review_and_the_summary_print_and_pass_axe(browsing: Browsing, new_user: User) -> None:
    low = shipped(-2, -2)
    for day in range(1, 8):
        felt = dt.date(2025, 3, day)
        checkin(new_user, f"{felt} 09:00", -2 if day < 5 else 3, -1 if day < 5 else 2, words=[low])
    past_entry(new_user)
    page, _ = logged_in(browsing, new_user)
    page.goto("/history/2025/review/")
    expect(page.get_by_role("heading", name="Your 2025 in review")).to_be_visible()
    axe_check(page, context="year in review")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000

    page.emulate_media(media="screen")
    page.goto("/history/insights/summary/?period=2025")
    expect(page.get_by_role("heading", name="Mood summary: 2025")).to_be_visible()
    expect(page.get_by_text("3 Mar 2025 to 4 Mar 2025")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"1 Mar 2025 to 4 Mar 2025: 4 low days"))).to_be_visible()
    page.get_by_label("Include my notes from the low stretches").check()
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("heading", name="Notes from the low stretches")).to_be_visible()
    axe_check(page, context="printable summary")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Update")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
