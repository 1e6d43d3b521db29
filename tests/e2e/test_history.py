"""Journey 5: history — the year calendar, a filter, a note search and "on this day"."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from tests.e2e.conftest import SENTINEL_NOTE, Browsing, axe_check, require, screenshot
from tests.e2e.journeys import lived_in_user, page_for

A_YEAR_AGO_NOTE = "First concert in years, sang along to every song."


def add_a_year_ago(user: User) -> None:
    today = user.local_today()
    try:
        day = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - 1, day=28)
    felt = dt.datetime.combine(day, dt.time(20, 30), tzinfo=user.zone)
    checkin = CheckIn(
        user=user,
        felt_at=felt.astimezone(dt.UTC),
        local_date=day,
        time_zone=user.time_zone,
        pleasantness=4,
        energy=3,
    )
    checkin.set_note(A_YEAR_AGO_NOTE)
    checkin.save()
    from journal.search import index_note

    index_note(checkin, A_YEAR_AGO_NOTE)


def test_it_walks_through_history(browsing: Browsing) -> None:
    require("/history/insights/")  # the history branch is here
    user = lived_in_user()
    add_a_year_ago(user)
    page = page_for(browsing, user)
    page.goto("/history/")

    # "On this day": what was felt a year ago.
    on_this_day = page.get_by_role("region", name="On this day")
    expect(on_this_day).to_be_visible()
    expect(on_this_day).to_contain_text("Bright")

    # The calendar: each day with check-ins is a link read out with its mood.
    yesterday = timezone.now().astimezone(user.zone).date() - dt.timedelta(days=1)
    day_link = page.get_by_role("link", name=re.compile(rf"\b{yesterday.day}\b.*mostly", re.I))
    expect(day_link.first).to_be_visible()
    screenshot(page, "history-journey")
    day_link.first.click()
    entries = page.locator("article")
    expect(entries.first).to_be_visible()
    shown = CheckIn.objects.filter(user=user, local_date=yesterday, deleted_at__isnull=True)
    expect(entries).to_have_count(shown.count())

    # A filter: only calm moments.
    page.goto("/history/")
    mood = page.get_by_label(re.compile("^Mood"))
    calm_option = next(o for o in mood.locator("option").all_text_contents() if "Calm" in o)
    mood.select_option(label=calm_option)
    page.get_by_role("button", name="Show check-ins").click()
    expect(page).to_have_url(re.compile(r"quadrant="))
    badges = page.locator("article .quadrant-badge")
    expect(badges.first).to_be_visible()
    assert set(badges.all_text_contents()) and all(
        "Calm" in text for text in badges.all_text_contents()
    )
    calm = CheckIn.objects.filter(
        user=user, pleasantness__gt=0, energy__lt=0, deleted_at__isnull=True
    ).count()
    assert 0 < page.locator("article").count() <= calm

    # A search in the notes, encrypted at rest.
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label(re.compile("^Search your notes")).fill("lighthouse")
    page.get_by_role("button", name="Show check-ins").click()
    expect(page.locator("article")).to_have_count(1)
    expect(page.locator("article")).to_contain_text(SENTINEL_NOTE)
    axe_check(page)

    # The URL keeps the view: reopening it shows the same.
    page.reload()
    expect(page.locator("article")).to_have_count(1)
