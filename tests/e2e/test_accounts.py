"""Journeys through accounts: sign up, log out and in, settings, a password reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import Browsing, screenshot


def test_it_signs_up_with_the_time_zone_of_the_browser(browsing: Browsing) -> None:
    context, _ = browsing.new_context(timezone_id="Asia/Kathmandu")
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Start your journal").click()
    expect(page).to_have_url(f"{browsing.base_url}/accounts/signup/")
    # Chromium's ICU still says "Asia/Katmandu"; the server stores today's name.
    expect(page.get_by_label("Time zone")).to_have_value(re.compile(r"^Asia/Kath?mandu$"))

    page.get_by_label("Email").fill("kiran@example.com")
    page.get_by_label("What should we call you?").fill("Kiran")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{browsing.base_url}/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Attune")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiran")
    user = User.objects.get(email="kiran@example.com")
    assert user.time_zone == "Asia/Kathmandu"
    assert user.display_name == "Kiran"


def test_it_keeps_what_was_typed_when_the_passwords_differ(browsing: Browsing) -> None:
    context, _ = browsing.new_context()
    page = context.new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("kiran@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD + " not quite")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("kiran@example.com")
    assert not User.objects.filter(email="kiran@example.com").exists()


def test_it_logs_out_and_back_in(browsing: Browsing, new_user: User) -> None:
    context, _ = browsing.new_context()
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(new_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Account")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.goto("/settings/")
    expect(page).to_have_url(f"{browsing.base_url}/accounts/login/?next=/settings/")


def test_it_says_kindly_when_the_password_is_wrong(browsing: Browsing, new_user: User) -> None:
    context, _ = browsing.new_context()
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(new_user.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("That email and password don't match an account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(new_user.email)


def test_it_saves_settings(user_page: Any, new_user: User) -> None:
    page = user_page
    page.goto("/settings/")
    page.get_by_label("Display name").fill("Robin B.")
    # A searchable box (issue 18): type the zone, or pick it from the suggestions.
    page.get_by_label("Time zone").fill("America/Sao_Paulo")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("status")).to_contain_text("Your settings are saved.")
    expect(page.get_by_label("Display name")).to_have_value("Robin B.")
    new_user.refresh_from_db()
    assert new_user.time_zone == "America/Sao_Paulo"
    assert new_user.display_name == "Robin B."


@pytest.mark.usefixtures("redis_broker")
def test_it_requests_a_password_reset(browsing: Browsing, new_user: User) -> None:
    context, _ = browsing.new_context()
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(new_user.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "password-reset-sent")
