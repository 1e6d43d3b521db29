"""Security headers on every page: CSP with nonces, nosniff, no-store, HSTS."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from tests.test_deploy import PRODUCTION_ENV, ROOT
from tests.urlwalk import iter_routes

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
JOURNAL_PAGES = ["/", "/history/", "/reflections/", "/music/", "/playlists/", "/settings/"]


def page_urls() -> list[str]:
    """Every route without parameters, outside the admin, from the URLconf."""
    urls = []
    for route in iter_routes():
        if route.kwargs or route.top == "admin" or route.name is None:
            continue
        urls.append(reverse(route.name))
    return sorted(set(urls))


def assert_csp(response: object, *, nonce: bool) -> None:
    csp = response.headers.get("Content-Security-Policy", "")  # type: ignore[attr-defined]
    directives = {
        part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()
    }
    assert "script-src" in directives, csp
    if nonce:
        assert re.search(r"'nonce-[A-Za-z0-9+/=_-]{16,}'", directives["script-src"]), csp
    assert "unsafe-inline" not in directives["script-src"], csp
    assert "unsafe-eval" not in directives["script-src"], csp
    assert "unsafe-inline" not in directives.get("style-src", ""), csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp


def assert_page_headers(response: object, *, private: bool) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    if headers.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()  # type: ignore[attr-defined]
        # A page (or an htmx partial) with scripts allows exactly those, by nonce;
        # a partial without scripts gets the stricter policy with no nonce at all.
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert_csp(response, nonce=bool(scripts) or "<html" in html)
        for tag in scripts:
            nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
            assert f'nonce="{nonce}"' in tag, tag
            assert "src=" in tag, f"inline script: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
        # style-src 'self' (no 'unsafe-inline'): browsers drop inline styles.
        assert not re.search(r"<style\b|\sstyle\s*=", html), "inline style: the CSP blocks it"
    if private:
        assert "no-store" in headers.get("Cache-Control", ""), headers.get("Cache-Control")


def test_the_walk_finds_the_main_pages() -> None:
    assert set(JOURNAL_PAGES) <= set(page_urls())


@pytest.mark.parametrize("hx", [False, True], ids=["page", "htmx"])
def test_it_sends_security_headers_on_every_page_for_a_logged_in_user(
    alice_client: Client, hx: bool
) -> None:
    headers = {"HX-Request": "true"} if hx else {}
    for url in page_urls():
        response = alice_client.get(url, headers=headers)
        assert response.status_code < 500, url
        assert_page_headers(response, private=True)


def test_it_sends_security_headers_to_visitors(db: None) -> None:
    for url in ANONYMOUS_PAGES:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert_page_headers(response, private=False)


def test_it_keeps_journal_pages_out_of_caches_and_htmx_history(alice_client: Client) -> None:
    for url in JOURNAL_PAGES:
        response = alice_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert re.search(r'<body[^>]*\shx-history="false"', response.content.decode()), url


def test_it_lets_the_public_landing_page_use_htmx_history(db: None) -> None:
    response = Client().get("/")
    assert 'hx-history="false"' not in response.content.decode()


def test_it_uses_a_new_nonce_for_every_response(alice_client: Client) -> None:
    first = alice_client.get("/")["Content-Security-Policy"]
    second = alice_client.get("/")["Content-Security-Policy"]
    assert first != second


def test_it_sends_hsts_for_a_year_in_production() -> None:
    env = {**os.environ, **PRODUCTION_ENV}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    seconds, redirect, secure_cookie = result.stdout.split()
    assert int(seconds) >= 365 * 24 * 3600
    assert (redirect, secure_cookie) == ("True", "True")


def https_settings(environ: dict[str, str]) -> list[str]:
    """The HTTPS settings config.settings derives from `environ`, in a fresh process."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SECURE_") and key not in {"DEBUG", "DATABASE_URL"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.DEBUG)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_hsts_preload_and_subdomains_only_when_asked_for(tmp_path: Path) -> None:
    production = {**PRODUCTION_ENV, "ATTUNE_VAR_DIR": str(tmp_path)}
    assert https_settings(production)[:3] == ["31536000", "False", "False"]
    asked = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true"}
    assert https_settings({**production, **asked})[:3] == ["31536000", "True", "True"]


def test_the_embedded_default_is_plain_local_http_with_debug_off(tmp_path: Path) -> None:
    """`make run` serves http://127.0.0.1: no https redirect, no secure-only
    cookies, no HSTS, and no DEBUG."""
    embedded = {"ATTUNE_VAR_DIR": str(tmp_path)}
    assert https_settings(embedded) == ["0", "False", "False", "False", "False", "False"]


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=False, SECURE_HSTS_PRELOAD=False
)
def test_the_hsts_header_names_only_max_age_by_default(alice: User) -> None:
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=True)
def test_it_redirects_to_https_and_sends_hsts(alice: User) -> None:
    client = Client()
    assert client.get("/accounts/login/").status_code == 301
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000  # type: ignore[union-attr]


def test_it_configures_htmx_to_need_no_inline_style_or_eval(alice_client: Client) -> None:
    html = alice_client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert config, "htmx-config meta missing"
    import json

    values = json.loads(config.group(1))
    assert values["includeIndicatorStyles"] is False
    assert values["allowEval"] is False
    assert values["historyCacheSize"] == 0
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "logged-in"])
def test_the_413_page_has_the_same_headers_as_every_page(
    alice_client: Client, logged_in: bool, settings: object
) -> None:
    """Issue 19: the size check answered before the CSP and frame-options
    middleware, so its page went out without them."""
    settings.MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    client = alice_client if logged_in else Client()
    response = client.post("/import/", {"note": "x" * 2000})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert_page_headers(response, private=logged_in)
