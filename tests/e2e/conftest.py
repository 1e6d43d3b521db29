"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

One browser per session, a fresh context per test. Every journey is watched for
console errors, CSP violation events and note text left in Web Storage; a test
that leaves any of them behind fails at teardown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD, make_user

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# A note every logged-in journey user already has: if a page ever shows it and
# something (htmx history, our JS) copies it into Web Storage, the journey fails.
SENTINEL_NOTE = "Sentinel note: the lighthouse keeper hums in B flat"

# Recorded in every document before any page script: CSP violations, which the
# CSP-enforcing page itself reports (never bypassed in journeys).
WATCH_SCRIPT = """
(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    const text = e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
      + ' at ' + e.sourceFile + ':' + e.lineNumber;
    window.__cspViolations.push(text);
    if (window.__attuneReport) window.__attuneReport(text);
  });
})();
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is a browser test: `make test-e2e` (pytest -m e2e)."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.e2e)


# What migrate leaves in the tables, serialized once per run (see e2e_db).
SERIALIZED: dict[str, str] = {}


class Chromium:
    """One Chromium for a run of journeys, started when first needed. It is
    stopped before any browser test that drives Playwright on its own (sync
    Playwright cannot start while another instance runs in the same thread) and
    when the e2e package is done; the next journey starts it again."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._env: str | None = None

    def get(self) -> Any:
        if self._browser is None:
            if not Path(CHROMIUM).exists():
                pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
            from playwright.sync_api import sync_playwright

            # Sync Playwright runs an event loop in this thread; the ORM calls
            # our fixtures make next to it are still plain synchronous code.
            self._env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self._browser

    def persistent_context(self, user_data_dir: str, **options: Any) -> Any:
        """A context with a profile on disk, started by this run's Playwright.
        Chromium calls every other context incognito, where an app cannot be
        installed (what the installability journey checks)."""
        self.get()
        return self._playwright.chromium.launch_persistent_context(
            user_data_dir, executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options
        )

    def stop(self) -> None:
        if self._browser is None:
            return
        try:
            self._browser.close()
            self._playwright.stop()
        finally:
            self._browser = self._playwright = None
            if self._env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._env


CHROMIUM_POOL = Chromium()


@pytest.fixture
def browser(django_db_setup: None, django_db_blocker: Any) -> Any:
    from django.db import connection

    if "default" not in SERIALIZED:
        # A reused test database may have been left emptied (or half refilled)
        # by earlier transactional tests; rebuild what migrate leaves in it and
        # keep that as the copy every journey starts from.
        with django_db_blocker.unblock():
            refill_migration_data()
            SERIALIZED["default"] = connection.creation.serialize_db_to_string()
    return CHROMIUM_POOL.get()


@pytest.fixture(autouse=True)
def _one_playwright_at_a_time(request: pytest.FixtureRequest) -> None:
    if "browser" not in request.fixturenames:
        CHROMIUM_POOL.stop()


def pytest_sessionfinish() -> None:
    CHROMIUM_POOL.stop()


@dataclass
class Watch:
    """What a context saw go wrong, plus the note texts it must never store."""

    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=lambda: [SENTINEL_NOTE])
    base_url: str = ""
    allowed_console: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console(self, pattern: str) -> None:
        """Expected console noise for one step (e.g. a 4xx the journey provokes)."""
        self.allowed_console.append(re.compile(pattern))

    def attach(self, context: Any) -> None:
        context.add_init_script(WATCH_SCRIPT)
        context.expose_binding(
            "__attuneReport", lambda _source, text: self.csp_violations.append(text)
        )
        context.on("page", self._watch_page)

    def _watch_page(self, page: Any) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error":
                location = message.location or {}
                self.console_errors.append(f"{message.text} ({location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def stored_text(self, context: Any) -> str:
        dumps = []
        for page in context.pages:
            if page.is_closed() or not page.url.startswith(self.base_url):
                continue
            try:
                dumps.append(
                    page.evaluate(
                        "() => JSON.stringify([Object.entries(localStorage),"
                        " Object.entries(sessionStorage)])"
                    )
                )
            except Exception as error:  # a page mid-navigation: say so, don't hide it
                dumps.append(f"<unreadable: {error}>")
        return "\n".join(dumps)

    def problems(self, context: Any) -> list[str]:
        found = []
        errors = [
            e for e in self.console_errors if not any(p.search(e) for p in self.allowed_console)
        ]
        if errors:
            found.append("console errors:\n  " + "\n  ".join(errors))
        if self.csp_violations:
            found.append("CSP violations:\n  " + "\n  ".join(self.csp_violations))
        stored = self.stored_text(context)
        leaked = [note for note in self.notes if note and note in stored]
        if leaked:
            found.append(f"note text found in Web Storage: {leaked!r}")
        return found


@pytest.fixture
def e2e_db(transactional_db: None, browser: Any) -> None:
    """A real committed database the live server thread can see, holding what
    migrate leaves in it (the emotion vocabulary, content types) and nothing else.

    Loaded here rather than by Django's serialized rollback: pytest-django's live
    server helper sets up transactional_db before any fixture of ours runs, other
    modules' transactional tests leave content types behind under new ids, and
    Playwright's loop hands Django a different connection object."""
    from django.db import connection

    empty_database()
    connection.creation.deserialize_db_from_string(SERIALIZED["default"])


@pytest.fixture(scope="package", autouse=True)
def _restore_migration_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by emptying every table. Put the migration data
    back once the journeys are done, so tests that run after them in the same
    database (and the next --reuse-db run, which serializes what it finds) still
    see the vocabulary."""
    yield
    CHROMIUM_POOL.stop()
    from django.db import connection

    contents = SERIALIZED.get("default")
    if contents:
        with django_db_blocker.unblock():
            empty_database()
            connection.creation.deserialize_db_from_string(contents)


def empty_database() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def refill_migration_data() -> None:
    """Empty the tables and re-run what a migrate leaves in them: the data
    migrations, then content types and permissions."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    empty_database()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    for migration, _backwards in plan:
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                state = executor.loader.project_state((migration.app_label, migration.name))
                with connection.schema_editor() as editor:
                    operation.code(state.apps, editor)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


@dataclass
class Browsing:
    """Opens watched contexts on the live server; checks them all at teardown."""

    browser: Any
    base_url: str
    contexts: list[tuple[Any, Watch]] = field(default_factory=list)

    def new_context(self, **options: Any) -> tuple[Any, Watch]:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "en-GB")
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(10_000)
        watch = Watch(base_url=self.base_url)
        watch.attach(context)
        self.contexts.append((context, watch))
        return context, watch

    def never_store(self, *notes: str) -> None:
        """Note texts this journey puts in the app, checked against Web Storage."""
        for _context, watch in self.contexts:
            watch.notes.extend(notes)

    def close(self) -> list[str]:
        problems = []
        for context, watch in self.contexts:
            problems += watch.problems(context)
            context.close()
        return problems


@pytest.fixture
def browsing(browser: Any, live_server: Any, e2e_db: None) -> Iterator[Browsing]:
    session = Browsing(browser=browser, base_url=live_server.url)
    yield session
    problems = session.close()
    if problems:
        pytest.fail("The journey left problems behind:\n" + "\n".join(problems))


@pytest.fixture
def context(browsing: Browsing) -> Any:
    return browsing.new_context()[0]


@pytest.fixture
def watch(browsing: Browsing, context: Any) -> Watch:
    return next(w for c, w in browsing.contexts if c is context)


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def seed_sentinel_note(user: User) -> None:
    import datetime as dt

    from django.utils import timezone

    from journal.models import CheckIn

    felt = timezone.now() - dt.timedelta(days=1)
    checkin = CheckIn(
        user=user,
        felt_at=felt,
        local_date=felt.astimezone(user.zone).date(),
        time_zone=user.time_zone,
        pleasantness=2,
        energy=-1,
    )
    checkin.set_note(SENTINEL_NOTE)
    checkin.save()
    try:
        from journal.search import index_note

        index_note(checkin, SENTINEL_NOTE)
    except Exception:  # noqa: S110 - search indexing is not what these journeys test
        pass


@pytest.fixture
def new_user(e2e_db: None) -> User:
    user = make_user("robin@example.com", display_name="Robin", time_zone="Europe/London")
    seed_sentinel_note(user)
    return user


@pytest.fixture
def user_page(browsing: Browsing, new_user: User) -> Any:
    """A page already logged in as a new user (one check-in from yesterday)."""
    context, _watch = browsing.new_context()
    add_session_cookie(context, browsing.base_url, new_user)
    return context.new_page()


def add_session_cookie(context: Any, base_url: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def axe_check(page: Any, *, context: str = "") -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; fail with a readable list."""
    violations = axe_violations(page)
    assert not violations, format_violations(violations, context or page.url)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    # page.evaluate runs through the DevTools protocol, which the page's CSP does
    # not govern, so axe is injected without switching the CSP off.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),
              summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )
    return list(result)


def format_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"axe found {len(violations)} violation(s) on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join(str(node["summary"]).split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def screenshot(page: Any, name: str, *, theme: str | None = None) -> Path:
    """A full-page PNG at var/screenshots/<name>-<width>-<theme>.png (git-ignored)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    if theme is None:
        dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
        theme = "dark" if dark else "light"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}-{theme}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def feature_ready(path: str, *, user: User | None = None, method: str = "get") -> bool:
    """Whether a page another branch delivers is on this checkout yet: its route
    resolves (and, for a POST, the view accepts one). Journeys for pages that are
    not merged skip with a reason instead of failing."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    if method == "get":
        return True
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(path).status_code not in (404, 405)


def require(path: str, user: User | None = None, *, method: str = "get") -> None:
    if not feature_ready(path, user=user, method=method):
        pytest.fail(
            f"The journey needs {method.upper()} {path}, which this checkout does not serve"
        )


__all__ = [
    "PASSWORD",
    "SENTINEL_NOTE",
    "Browsing",
    "Watch",
    "add_session_cookie",
    "axe_check",
    "axe_violations",
    "require",
    "screenshot",
]
