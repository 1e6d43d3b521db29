"""The watchers every journey relies on can fail: a CSP violation, a console
error and note text in Web Storage are each caught."""

from __future__ import annotations

from accounts.models import User
from tests.e2e.conftest import SENTINEL_NOTE, Browsing, add_session_cookie


def test_it_catches_csp_violations_console_errors_and_stored_notes(
    browsing: Browsing, new_user: User
) -> None:
    context, watch = browsing.new_context()
    add_session_cookie(context, browsing.base_url, new_user)
    page = context.new_page()
    page.goto("/settings/")
    assert watch.problems(context) == []

    # An inline script is what the CSP forbids; the page reports it.
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("() => window.__ran") is None, "the CSP let an inline script run"
    page.evaluate("(note) => sessionStorage.setItem('htmx-history', note)", SENTINEL_NOTE)

    problems = "\n".join(watch.problems(context))
    assert "script-src" in problems
    assert "console errors" in problems  # Chromium logs the refusal too
    assert "note text found in Web Storage" in problems

    # Leave the journey clean so its own teardown check passes.
    page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    watch.console_errors.clear()
    watch.csp_violations.clear()
