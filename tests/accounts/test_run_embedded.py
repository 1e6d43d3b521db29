"""Issue 18: email links use the address `make run` serves at, unless SITE_URL says
otherwise. Issue 19: the served host is allowed, DEBUG is off but for `make dev`."""

from __future__ import annotations

import socket

import pytest

from accounts.management.commands.run_embedded import (
    allowed_hosts_for,
    child_env,
    service_commands,
    site_url_for,
)


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


def test_it_allows_the_served_host_and_keeps_debug_off_unless_developing() -> None:
    env = child_env("192.168.1.20:8080", {"PATH": "/bin"})
    assert env["ALLOWED_HOSTS"].split(",")[:4] == [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "192.168.1.20",
    ]
    assert env["DEBUG"] == "false"
    assert child_env("8000", {}, dev=True)["DEBUG"] == "true"
    mine = child_env("8000", {"ALLOWED_HOSTS": "journal.lan", "DEBUG": "false"}, dev=True)
    assert (mine["ALLOWED_HOSTS"], mine["DEBUG"]) == ("journal.lan", "false")


def test_a_wildcard_address_allows_this_machines_name() -> None:
    wildcard = "0.0.0.0"  # noqa: S104 - naming the wildcard, not binding it
    assert socket.gethostname() in allowed_hosts_for(f"{wildcard}:8000")
    assert wildcard not in allowed_hosts_for(f"{wildcard}:8000")


def test_make_run_serves_with_gunicorn_and_make_dev_with_the_reloading_server() -> None:
    run = service_commands("8123", dev=False)["web"]
    assert run[1:3] == ["-m", "gunicorn"] and "config.wsgi:application" in run
    assert run[run.index("--config") + 1].endswith("config/gunicorn.py")
    assert run[run.index("--bind") + 1] == "127.0.0.1:8123"
    dev = service_commands("8123", dev=True)["web"]
    assert dev[1:3] == ["manage.py", "runserver"] and "--noreload" not in dev
