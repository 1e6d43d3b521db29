"""Issue 18, acceptance 3: installable, and kind offline. Chromium parses the
manifest and finds nothing against installing; the service worker controls
the page; a check-in tapped offline is kept (its point and time, never note
text) and saved once the connection is back; pages are not cached."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from journal.models import CheckIn
from tests.e2e.conftest import (
    CHROMIUM_POOL,
    SENTINEL_NOTE,
    Browsing,
    Watch,
    add_session_cookie,
    axe_check,
)

# Everything the service worker keeps: its IndexedDB stores and its caches' bodies.
WORKER_STORAGE = """async () => {
  const out = {db: [], caches: {}};
  const open = indexedDB.open('attune-offline');
  const db = await new Promise((ok, no) => { open.onsuccess = () => ok(open.result);
    open.onerror = () => no(open.error); });
  for (const name of db.objectStoreNames) {
    const all = db.transaction(name).objectStore(name).getAll();
    out.db.push(await new Promise((ok) => { all.onsuccess = () => ok(all.result); }));
  }
  db.close();
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.caches[request.url] = await (await cache.match(request)).text();
    }
  }
  return out;
}"""


def controlled_page(browsing: Browsing, user: User) -> tuple[Any, Any]:
    context, _ = browsing.new_context()
    add_session_cookie(context, browsing.base_url, user)
    page = context.new_page()
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return context, page


def wait_for(condition: Any, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds}s for {what}")
        time.sleep(0.1)


def test_it_passes_chromiums_installability_checks(
    browsing: Browsing, new_user: User, tmp_path: Any
) -> None:
    context = CHROMIUM_POOL.persistent_context(
        str(tmp_path / "profile"),
        base_url=browsing.base_url,
        viewport={"width": 390, "height": 844},
    )
    watch = Watch(base_url=browsing.base_url)
    watch.attach(context)
    browsing.contexts.append((context, watch))  # checked and closed with the others
    add_session_cookie(context, browsing.base_url, new_user)
    page = context.new_page()
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest["errors"]
    parsed = json.loads(manifest["data"])
    assert parsed["start_url"] == "/" and parsed["display"] == "standalone"
    assert {icon["sizes"] for icon in parsed["icons"]} >= {"192x192", "512x512"}
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_it_keeps_a_tap_made_offline_and_saves_it_when_back(
    browsing: Browsing, new_user: User
) -> None:
    context, page = controlled_page(browsing, new_user)
    before = CheckIn.objects.filter(user=new_user).count()

    context.set_offline(True)
    page.locator('[data-mood-grid] .cell[value="-2,1"]').click()
    expect(page.get_by_text("will be saved when you're back online")).to_be_visible()
    assert CheckIn.objects.filter(user=new_user).count() == before

    stored = page.evaluate(WORKER_STORAGE)
    kept = [row for store in stored["db"] for row in store if isinstance(row, dict)]
    assert [(row["mood"], sorted(row)) for row in kept] == [
        ("-2,1", ["account", "mood", "once", "tapped_at", "when_date", "when_time"])
    ], "the point and the moment only"
    text = json.dumps(stored)
    assert SENTINEL_NOTE not in text, "no note text in the service worker's storage"
    # Pages with personal data are never cached: the shell and the offline page only.
    paths = {url.removeprefix(browsing.base_url) for url in stored["caches"]}
    assert paths - {"/offline/"} and all(p.startswith("/static/") for p in paths - {"/offline/"})

    context.set_offline(False)
    wait_for(
        lambda: CheckIn.objects.filter(user=new_user, pleasantness=-2, energy=1).count() == 1,
        "the kept tap to be saved",
    )
    expect(page.get_by_text("Saved the check-in you made while offline")).to_be_visible()
    # Sent once: a second flush (another page load) adds nothing.
    page.goto("/")
    page.wait_for_timeout(500)
    assert CheckIn.objects.filter(user=new_user, pleasantness=-2, energy=1).count() == 1


def test_it_shows_the_offline_page_with_a_grid_when_a_page_cannot_load(
    browsing: Browsing, new_user: User
) -> None:
    context, page = controlled_page(browsing, new_user)
    context.set_offline(True)
    page.goto("/history/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    assert SENTINEL_NOTE not in page.content()
    axe_check(page, context="the offline page")
    page.locator('[data-mood-grid] .cell[value="1,-3"]').click()
    expect(page.get_by_text("Kept on this device")).to_be_visible()

    context.set_offline(False)
    wait_for(
        lambda: CheckIn.objects.filter(user=new_user, pleasantness=1, energy=-3).count() == 1,
        "the tap from the offline page to be saved",
    )
