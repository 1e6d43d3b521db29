"""`make run`: migrate, seed the demo account, then run the web server, a Celery
worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        mail_dir = settings.MAIL_DIR
        self.stdout.write(
            self.style.SUCCESS(f"\nAttune is starting at http://{addr}/\n")
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
