"""A new user brings their Daylio export in a real browser (headless Chromium),
with a real Celery worker doing the import. Marked e2e: runs with `make test-e2e`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.models import User
from config.celery import app
from journal.models import CheckIn
from tests.conftest import PASSWORD
from tests.journal.import_files import daylio_csv, media

__all__ = ["media"]

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parents[1] / "e2e" / "vendor" / "axe-4.14.1.min.js"


def axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text() + "\n;0")
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',
        'wcag21aa']})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"""
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_it_brings_a_daylio_export_in_through_the_browser(
    live_server: Any, redis_broker: str, alice: User, media: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    export = tmp_path / "daylio_export.csv"
    export.write_bytes(daylio_csv())
    problems: list[str] = []
    with (
        sync_playwright() as playwright,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", alice.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")

        page.goto(f"{live_server.url}/import/")
        assert axe_violations(page) == []
        page.set_input_files("input[name=file]", str(export))
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", name="Place your moods on the grid")).to_be_visible()
        assert axe_violations(page) == []
        # "super tired": unpleasant and low energy, chosen by keyboard-reachable labels.
        page.locator("#mood_0-grid label.cell").nth(6 * 9 + 2).click()
        page.locator("#mood_1-grid label.cell").nth(1 * 9 + 2).click()
        page.get_by_role("button", name="Import my entries").click()

        # htmx polls the progress until the worker is done.
        expect(page.locator(".import-counts")).to_contain_text("Imported6", timeout=20000)
        assert axe_violations(page) == []
        assert re.search(r"Line 7: date not understood: 2026-02-30", page.content())
        page.get_by_role("link", name="See your history").click()
        expect(page).to_have_url(f"{live_server.url}/history/")
        browser.close()

    assert problems == []
    tired = CheckIn.objects.owned_by(alice).get(local_date="2026-03-28")
    assert (tired.pleasantness, tired.energy) == (-2, -2)
