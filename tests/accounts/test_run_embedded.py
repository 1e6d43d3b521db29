"""Issue 18: email links use the address `make run` serves at, unless SITE_URL says otherwise."""

from __future__ import annotations

import pytest

from accounts.management.commands.run_embedded import child_env, site_url_for


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("192.168.1.20:8080", "http://192.168.1.20:8080"),
        ("[::1]:8001", "http://[::1]:8001"),
    ],
)
def test_it_derives_the_site_url_from_the_served_address(addr: str, url: str) -> None:
    assert site_url_for(addr) == url


def test_it_hands_the_site_url_to_the_web_worker_and_beat_processes() -> None:
    assert child_env("127.0.0.1:8123", {"PATH": "/bin"})["SITE_URL"] == "http://127.0.0.1:8123"
    assert child_env("127.0.0.1:8123", {"SITE_URL": "https://attune.example"})["SITE_URL"] == (
        "https://attune.example"
    )
