"""`make run` / `make dev`: migrate, seed the demo account, then run the web
server, a Celery worker and Celery beat together; Ctrl-C stops all three.

`make run` serves through gunicorn with DEBUG off and static files collected
into var/ for whitenoise, so a person can keep it as their daily journal
(docs/embedded-server.md). `make dev` (`--dev`) runs Django's development
server with reload and DEBUG on instead."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.serve import gunicorn_command

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
WILDCARD_HOSTS = ("", "0.0.0.0", "[::]", "::")  # noqa: S104 - naming the wildcard, not binding it
# gunicorn for one person's journal: two worker processes of two threads each
# keep a slow page (an import being stored, a year in review) from holding up
# the rest; the timeout is longer than an archive upload takes to be stored.
GUNICORN_OPTIONS = (
    "--workers",
    "2",
    "--threads",
    "2",
    "--timeout",
    "120",
    "--graceful-timeout",
    "10",
    "--access-logfile",
    "-",
)


def _host(addr: str) -> str:
    host, sep, _port = addr.rpartition(":")
    return host if sep else ""


def site_url_for(addr: str) -> str:
    """The address the web server serves `addr` at ("8001", "0.0.0.0:8000", "[::1]:8000")."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        host, port = "", addr
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def allowed_hosts_for(addr: str) -> list[str]:
    """The host names a browser may use for `addr`: this machine's loopback
    names, the address's own host, and on a wildcard address the machine's
    name (any other name is for ALLOWED_HOSTS to add)."""
    host = _host(addr)
    extra = [socket.gethostname()] if host in WILDCARD_HOSTS else [host]
    return list(dict.fromkeys([*LOCAL_HOSTS, *extra]))


def child_env(addr: str, environ: Mapping[str, str], *, dev: bool = False) -> dict[str, str]:
    """What the web server, worker and beat run with: links in emails point where
    this run serves (SITE_URL), the served host is allowed (ALLOWED_HOSTS), and
    DEBUG is on only for `make dev`. Anything the person set wins."""
    env = dict(environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = site_url_for(addr)
    if not env.get("ALLOWED_HOSTS"):
        env["ALLOWED_HOSTS"] = ",".join([*allowed_hosts_for(addr), "testserver"])
    if not env.get("DEBUG"):
        env["DEBUG"] = "true" if dev else "false"
    return env


def web_command(addr: str, *, dev: bool) -> list[str]:
    if dev:
        return [sys.executable, "manage.py", "runserver", addr]
    return gunicorn_command(addr, *GUNICORN_OPTIONS)


def service_commands(addr: str, *, dev: bool) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": web_command(addr, dev=dev),
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "4",
            "--queues",  # imports have a queue of their own (docs/uploads-bounded.md)
            f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.ATTUNE_IMPORTS_QUEUE}",
            "--loglevel",
            "INFO",
            "--hostname",
            "embedded@%h",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
        ],
    }


def stop_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the child's whole process group: gunicorn's workers and the
    development server's reloaded child go with their parent."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


class Command(BaseCommand):
    help = "Run Attune's web server, worker and beat together (the embedded default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server with reload and DEBUG on, instead of gunicorn.",
        )

    def handle(self, *args: Any, addr: str, dev: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        env = child_env(addr, os.environ, dev=dev)
        if not dev:
            # The manifest storage serves files by hashed name from STATIC_ROOT
            # (var/static/ here); collecting at every start keeps it current
            # after an update and costs a second or two when nothing changed.
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                env=env,
                check=True,
            )
        # Each child leads a process group of its own, so stopping it stops
        # everything it started; Ctrl-C reaches this process, which stops them.
        procs = {
            name: subprocess.Popen(cmd, env=env, process_group=0)
            for name, cmd in service_commands(addr, dev=dev).items()
        }
        server = "Django's development server (DEBUG on)" if dev else "gunicorn"
        self.stdout.write(
            self.style.SUCCESS(f"\nAttune is starting at {site_url_for(addr)}/ ({server})\n")
            + f"Emails (password resets, reflections) are written to {settings.MAIL_DIR}/\n"
            + "Press Ctrl-C to stop the web server, the worker and beat.\n"
        )
        if _host(addr) in WILDCARD_HOSTS and not os.environ.get("ALLOWED_HOSTS"):
            self.stdout.write(
                "Attune listens on every network address. Other devices must use "
                f"{socket.gethostname()!r}, or set ALLOWED_HOSTS to the name they use.\n"
            )

        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(
                            f"{name} stopped (exit {proc.returncode}); stopping the rest."
                        )
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in procs.values():
                stop_group(proc, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for proc in procs.values():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            for proc in procs.values():
                # Whatever did not stop in time, and anything left in a group
                # after its leader exited.
                stop_group(proc, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            self.stdout.write(f"Attune stopped. Your data is in {settings.VAR_DIR}/.")
