"""Bring your past: a small Daylio export imported in the browser lands in history."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from tests.e2e.conftest import Browsing, axe_check, require, screenshot

DAYLIO_CSV = (
    "full_date,date,weekday,time,mood,activities,note_title,note\n"
    '2025-03-03,March 3,Monday,21:40,good,"listened to music | friends",,"Band practice, '
    'loud and happy."\n'
    "2025-03-02,March 2,Sunday,10:05,meh,,,\n"
    '2025-03-01,March 1,Saturday,23:30,awful,work,Long day,"Too tired to think."\n'
)


@pytest.fixture
def celery_worker(redis_broker: str) -> Any:
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.mark.usefixtures("celery_worker")
def test_it_imports_a_daylio_export_into_history(
    browsing: Browsing, user_page: Any, new_user: User, tmp_path: Path
) -> None:
    require("/import/")
    browsing.never_store("Band practice, loud and happy.", "Too tired to think.")
    export = tmp_path / "daylio_export.csv"
    export.write_text(DAYLIO_CSV, encoding="utf-8")
    page = user_page
    page.goto("/import/")
    page.get_by_label(re.compile("export file", re.I)).set_input_files(str(export))
    page.get_by_role("button", name="Continue").click()
    place = page.get_by_role("button", name="Import my entries")
    if place.count():  # the mood-placing screen, when the app asks for it
        place.click()

    history = page.get_by_role("link", name="See your history")
    expect(history).to_be_visible(timeout=30_000)
    screenshot(page, "journal-import-done")
    axe_check(page)
    imported = CheckIn.objects.filter(user=new_user, local_date__year=2025)
    assert sorted(str(d) for d in imported.values_list("local_date", flat=True)) == [
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
    ]
    history.click()
    page.goto("/history/?year=2025")
    expect(page.get_by_role("link", name=re.compile(r"3 March.*mostly", re.I))).to_be_visible()
