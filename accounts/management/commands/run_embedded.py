"""`make run`: migrate, seed the demo account, then run the web server, a Celery
worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def site_url_for(addr: str) -> str:
    """The address runserver serves `addr` at ("8001", "0.0.0.0:8000", "[::1]:8000")."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        host, port = "", addr
    if host in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def child_env(addr: str, environ: Mapping[str, str]) -> dict[str, str]:
    """Links in emails must point where this run serves: SITE_URL from the
    address unless it is set."""
    env = dict(environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = site_url_for(addr)
    return env


class Command(BaseCommand):
    help = "Run Attune's web server, worker and beat together (the embedded default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
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
        env = child_env(addr, os.environ)
        procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        mail_dir = settings.MAIL_DIR
        self.stdout.write(
            self.style.SUCCESS(f"\nAttune is starting at {site_url_for(addr)}/\n")
            + f"Emails (password resets, reflections) are written to {mail_dir}/\n"
            + "Press Ctrl-C to stop the web server, the worker and beat.\n"
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
                if proc.poll() is None:
                    proc.terminate()
            deadline = time.monotonic() + 15
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            self.stdout.write("Attune stopped. Your data is in var/.")
