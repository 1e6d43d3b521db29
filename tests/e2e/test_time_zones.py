"""Issue 18, time zones: a browser in Los Angeles with a Berlin account is told
once and offered the switch; sign-up fills in and checks the zone."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import Browsing, add_session_cookie, axe_check


def la_page(browsing: Browsing, user: User) -> Any:
    context, _ = browsing.new_context(timezone_id="America/Los_Angeles")
    add_session_cookie(context, browsing.base_url, user)
    page = context.new_page()
    page.goto("/")
    return page


def test_it_says_once_that_the_zones_differ_and_switches(
    browsing: Browsing, new_user: User
) -> None:
    new_user.time_zone = "Europe/Berlin"
    new_user.save(update_fields=["time_zone"])
    page = la_page(browsing, new_user)
    hint = page.locator("[data-zone-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("America/Los_Angeles")
    expect(hint).to_contain_text("Europe/Berlin")
    axe_check(page)
    page.get_by_role("button", name="Switch to America/Los_Angeles").click()
    expect(page.get_by_text("Times are now shown in America/Los_Angeles.")).to_be_visible()
    new_user.refresh_from_db()
    assert new_user.time_zone == "America/Los_Angeles"
    expect(page.locator("[data-zone-hint]")).to_be_hidden()


def test_it_keeps_the_accounts_zone_and_does_not_ask_again(
    browsing: Browsing, new_user: User
) -> None:
    new_user.time_zone = "Europe/Berlin"
    new_user.save(update_fields=["time_zone"])
    page = la_page(browsing, new_user)
    page.get_by_role("button", name="Keep Europe/Berlin").click()
    expect(page.locator("[data-zone-hint]")).to_be_hidden()
    page.reload()
    page.wait_for_timeout(300)
    expect(page.locator("[data-zone-hint]")).to_be_hidden()
    new_user.refresh_from_db()
    assert new_user.time_zone == "Europe/Berlin"


def test_sign_up_fills_in_the_browsers_zone(browsing: Browsing) -> None:
    context, _ = browsing.new_context(timezone_id="America/Chicago")
    page = context.new_page()
    page.goto("/accounts/signup/")
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    axe_check(page)
    page.get_by_label("Time zone").fill("Berlin")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Did you mean Europe/Berlin?")).to_be_visible()
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="How are you feeling?")).to_be_visible()
    assert User.objects.get(email="zoe@example.com").time_zone == "Europe/Berlin"
