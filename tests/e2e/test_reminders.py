"""Settings → Reminders in Chromium: reachable from Settings, usable by
keyboard, and 0 axe violations (issue 18)."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import User
from reminders.models import ReminderPlan, ReminderTime
from tests.e2e.conftest import Browsing, add_session_cookie, axe_check


def test_it_sets_up_reminders_in_settings(browsing: Browsing, new_user: User) -> None:
    context, _ = browsing.new_context(viewport={"width": 390, "height": 844})
    add_session_cookie(context, browsing.base_url, new_user)
    page = context.new_page()
    page.goto("/settings/")
    page.get_by_role("link", name="Set up reminders").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    axe_check(page, context="Settings → Reminders")

    page.get_by_label("At", exact=True).fill("18:00")
    page.get_by_label("Or at some time until (optional)").fill("21:00")
    page.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_text("Every day some time between 18:00 and 21:00")).to_be_visible()

    page.get_by_label("By email").check()
    page.get_by_label("Quiet hours from").fill("22:00")
    page.get_by_label("until", exact=True).fill("07:00")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
    axe_check(page, context="Settings → Reminders, saved")
    plan = ReminderPlan.objects.get(user=new_user)
    assert plan.by_email and str(plan.quiet_start) == "22:00:00"
    assert ReminderTime.objects.filter(user=new_user).count() == 1
