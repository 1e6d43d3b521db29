"""Journey: a new user brings years of Daylio entries in the browser, places two
custom moods on the grid, watches the import finish through a real Celery
worker, and finds the entries in their history. Re-importing adds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from tests.journal.import_files import daylio_csv

# The shared browser fixtures live on the e2e branch; until it is merged here,
# this journey skips instead of failing.
e2e = pytest.importorskip("tests.e2e.conftest")


@pytest.fixture
def celery_worker(redis_broker: str) -> Iterator[None]:
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def upload(page: Any, path: Path) -> None:
    page.goto("/import/")
    page.get_by_label(re.compile("your export file", re.I)).set_input_files(str(path))
    page.get_by_role("button", name="Continue").click()


@pytest.mark.usefixtures("celery_worker")
def test_it_brings_a_daylio_export_in_and_fills_the_history(
    user_page: Any, new_user: User, tmp_path: Path, settings: Any
) -> None:
    from playwright.sync_api import expect

    from journal.models import CheckIn
    from journal.search import search_notes

    settings.MEDIA_ROOT = tmp_path / "uploads"
    export = tmp_path / "daylio_export.csv"
    export.write_bytes(daylio_csv())
    page = user_page
    upload(page, export)

    expect(page.get_by_role("heading", name="Place your moods on the grid")).to_be_visible()
    e2e.axe_check(page, context="mood placement")
    # Row 7 of 9 is somewhat low energy, column 3 somewhat unpleasant.
    page.locator("#mood_0-grid label.cell").nth(6 * 9 + 2).click()
    page.locator("#mood_1-grid label.cell").nth(1 * 9 + 2).click()
    page.get_by_role("button", name="Import my entries").click()

    counts = page.locator(".import-counts")
    expect(counts).to_contain_text("Imported6", timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_text("Line 7: date not understood: 2026-02-30")).to_be_visible()
    e2e.axe_check(page, context="import summary")
    e2e.screenshot(page, "journal-import-done")
    tired = search_notes(new_user, "harbour").get()
    assert (tired.pleasantness, tired.energy) == (-2, -2)

    page.get_by_role("link", name="See your history").click()
    expect(page).to_have_url(re.compile(r"/history/$"))

    upload(page, export)
    page.locator("#mood_0-grid label.cell").nth(6 * 9 + 2).click()
    page.locator("#mood_1-grid label.cell").nth(1 * 9 + 2).click()
    page.get_by_role("button", name="Import my entries").click()
    expect(page.locator(".import-counts")).to_contain_text("Already there6", timeout=30_000)
    assert CheckIn.objects.owned_by(new_user).filter(source="daylio").count() == 6
