"""A new user brings a Spotify export in the browser: upload, progress, summary,
library. Real Chromium, real Celery worker on Redis, live server."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from tests.conftest import PASSWORD, make_user
from tests.music.conftest import FIXTURES

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls in
    # the test body are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_it_imports_a_spotify_zip_in_the_browser(
    live_server: object, browser_page: object, redis_broker: str, tmp_path: Path, settings: object
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    make_user("dana@example.com")
    archive = tmp_path / "my_spotify_data.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.write(
            FIXTURES / "Streaming_History_Audio_2023.json",
            "Spotify Extended Streaming History/Streaming_History_Audio_2023.json",
        )
    archive.write_bytes(buffer.getvalue())
    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/login/")  # type: ignore[attr-defined]
    page.fill("input[name=username]", "dana@example.com")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.goto(f"{base}/music/import/")  # type: ignore[attr-defined]
    page.select_option("select[name=kind]", "spotify")  # type: ignore[attr-defined]
    page.set_input_files("input[name=file]", str(archive))  # type: ignore[attr-defined]
    page.click("button:has-text('Import')")  # type: ignore[attr-defined]
    page.wait_for_url("**/music/import/*/")  # type: ignore[attr-defined]
    # The page shows progress first, then htmx polling swaps in the summary.
    assert page.locator(".import-job").count() == 1  # type: ignore[attr-defined]
    assert "Waiting for a worker" in page.inner_text(".import-job")  # type: ignore[attr-defined]
    assert page.locator(".import-job progress").count() == 1  # type: ignore[attr-defined]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.wait_for_selector("text=See your music", timeout=20_000)  # type: ignore[attr-defined]
    summary = page.inner_text(".import-summary")  # type: ignore[attr-defined]
    assert "Imported\n3" in summary
    assert "podcast episode" in summary
    page.click("text=See your music")  # type: ignore[attr-defined]
    assert "Lovely Day" in page.inner_text("#library-results")  # type: ignore[attr-defined]


AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


@pytest.mark.django_db(transaction=True)
def test_it_has_no_axe_violations_on_music_pages(
    live_server: object, browser_page: object, tmp_path: Path, settings: object
) -> None:
    import random

    from music.demo import seed_music

    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    user = make_user("erin@example.com")
    track = seed_music(user, random.Random(1), days=5)[0]
    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/login/")  # type: ignore[attr-defined]
    page.fill("input[name=username]", "erin@example.com")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
    for path in ("/music/", f"/music/tracks/{track.pk}/", "/music/import/"):
        page.goto(base + path)  # type: ignore[attr-defined]
        page.evaluate(AXE.read_text())  # type: ignore[attr-defined]
        violations = page.evaluate(  # type: ignore[attr-defined]
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                .map(v => v.id + ': '
                    + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"""
        )
        assert violations == [], (path, violations)
