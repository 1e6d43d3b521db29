"""Journey 6: read last week's reflection in the browser and follow its playlist link."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect

from journal.models import WeeklyReflection
from tests.e2e.conftest import Browsing, axe_check, require, screenshot
from tests.e2e.journeys import lived_in_user, page_for


def test_it_reads_a_reflection_and_opens_its_playlist(browsing: Browsing, settings: Any) -> None:
    # The reflection links to the deployment's address (emails need absolute
    # links); here that is the live server.
    settings.SITE_URL = browsing.base_url
    require("/reflections/1/")  # the reflections branch is here
    user = lived_in_user(days=28)
    from journal.reflections.build import ensure_content
    from journal.reflections.weeks import week_start_of

    last_monday = week_start_of(user.local_today()) - dt.timedelta(days=7)
    reflection = WeeklyReflection.objects.create(user=user, week_start=last_monday)
    content = ensure_content(reflection)
    assert content.get("suggestions"), content

    page = page_for(browsing, user)
    page.goto("/reflections/")
    page.get_by_role("link", name=re.compile("^Week of")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your week")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    ahead = page.get_by_role("region", name="Playlists for the week ahead")
    expect(ahead).to_be_visible()
    screenshot(page, "reflection")
    axe_check(page)

    first = ahead.get_by_role("heading", level=3).first.inner_text()
    ahead.get_by_role("link", name=re.compile("^Open the playlist")).first.click()
    expect(page).to_have_url(re.compile(r"/playlists/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(first)
    expect(
        page.get_by_role("listitem").filter(has=page.get_by_role("button")).first
    ).to_be_visible()
