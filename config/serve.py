"""How Attune's web server is started: one gunicorn command line, used by
`make run` (accounts/management/commands/run_embedded.py), the benchmarks and
the fault tests (tests/faults.py), so the server they measure is the one a
person keeps running."""

from __future__ import annotations

import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "gunicorn.py"


def bind_address(addr: str) -> str:
    """`addr` as gunicorn's HOST:PORT ("8001" → "127.0.0.1:8001").

    runserver reads a bare port as "this port on 127.0.0.1"; gunicorn would
    read it as a host name, so the host is spelled out."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        host, port = "", addr
    return f"{host or '127.0.0.1'}:{port}"


def gunicorn_command(addr: str, *options: str) -> list[str]:
    """The command that serves config.wsgi at `addr` with gunicorn, with the
    settings docker-compose's web uses (config/gunicorn.py); `options` override
    them."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(CONFIG),
        "config.wsgi:application",
        "--bind",
        bind_address(addr),
        *options,
    ]
