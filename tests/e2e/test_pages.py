"""Every main page, in light and dark, at 1280 and 320 px: axe finds no WCAG 2.1
AA violation, nothing scrolls sideways, and a screenshot lands in var/screenshots/."""

from __future__ import annotations

import gzip
import random
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import (
    Browsing,
    add_session_cookie,
    axe_violations,
    feature_ready,
    format_violations,
    screenshot,
    seed_sentinel_note,
)

# (path, screenshot name); the stable URLs of PRODUCT.md §10.
LOGGED_IN_PAGES = [
    ("/", "today"),
    ("/history/", "history"),
    ("/music/", "music"),
    ("/music/import/", "music-import"),
    ("/playlists/", "playlists"),
    ("/reflections/", "reflections"),
    ("/import/", "import"),
    ("/settings/", "settings"),
]
LOGGED_OUT_PAGES = [
    ("/", "landing"),
    ("/accounts/login/", "login"),
    ("/accounts/signup/", "signup"),
    ("/accounts/password/reset/", "password-reset"),
]


def lived_in_user() -> User:
    """Two weeks of check-ins and listens, so the pages show what people see."""
    from journal.demo import seed_journal
    from music.demo import seed_music

    user = make_user("sam@example.com", display_name="Sam", time_zone="Europe/London")
    rng = random.Random(3)
    tracks = seed_music(user, rng, days=14)
    seed_journal(user, rng, days=14, tracks=tracks)
    seed_sentinel_note(user)
    return user


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 320])
def test_it_passes_axe_on_every_main_page(browsing: Browsing, theme: str, width: int) -> None:
    user = lived_in_user()
    problems: list[str] = []
    missing: list[str] = []

    def visit(page: Any, path: str, name: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response}"
        expect(page.locator("main h1")).to_be_visible()
        violations = axe_violations(page)
        if violations:
            problems.append(format_violations(violations, f"{path} ({theme}, {width}px)"))
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{path} ({theme}): {scroll_width}px wide at a {width}px screen")
        screenshot(page, name, theme=theme)

    viewport = {"width": width, "height": 800}
    context, _ = browsing.new_context(color_scheme=theme, viewport=viewport)
    page = context.new_page()
    for path, name in LOGGED_OUT_PAGES:
        visit(page, path, name)
    context.close()

    context, _ = browsing.new_context(color_scheme=theme, viewport=viewport)
    add_session_cookie(context, browsing.base_url, user)
    page = context.new_page()
    for path, name in LOGGED_IN_PAGES:
        if not feature_ready(path, user=user):
            missing.append(path)
            continue
        visit(page, path, name)

    assert not problems, "\n\n".join(problems)
    if missing:
        print(f"not on this checkout yet, not checked: {missing}")


def test_it_keeps_the_check_in_page_under_60_kb(browsing: Browsing, new_user: User) -> None:
    """QUALITY.md 19, measured as production sends it: the HTML uncompressed (no
    GZipMiddleware: BREACH) and the static files gzipped, as whitenoise serves
    them after collectstatic. Uncompressed everything cannot fit: htmx alone is
    52 KB, so that figure is printed, not asserted."""
    context, _ = browsing.new_context()
    add_session_cookie(context, browsing.base_url, new_user)
    page = context.new_page()
    bodies: dict[str, bytes] = {}
    page.on("requestfinished", lambda request: bodies.__setitem__(request.url, body(request)))
    page.goto("/")
    page.wait_for_load_state("networkidle")

    def wire(url: str, content: bytes) -> int:
        return len(gzip.compress(content, 9)) if "/static/" in url else len(content)

    sizes = {url: wire(url, content) for url, content in bodies.items()}
    total = sum(sizes.values())
    raw = sum(len(content) for content in bodies.values())
    listing = "\n".join(
        f"  {sizes[url]:>7} ({len(bodies[url]):>7} raw) {url}" for url in sorted(bodies)
    )
    print(f"check-in page: {total} bytes over the wire, {raw} uncompressed\n{listing}")
    assert any("htmx" in url for url in bodies), listing
    assert all(bodies.values()), listing
    assert total < 60 * 1024, f"check-in page weighs {total} bytes over the wire:\n{listing}"


def body(request: Any) -> bytes:
    response = request.response()
    return response.body() if response is not None else b""
