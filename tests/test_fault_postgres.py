"""QUALITY.md 12: PostgreSQL restarted under the running app → it recovers
without a restart of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.faults import gunicorn, private_postgres, private_redis

ROOT = Path(__file__).resolve().parent.parent


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.slow
def test_it_recovers_after_postgresql_restarts(tmp_path: Path) -> None:
    with private_postgres() as pg, private_redis() as redis:
        env = {
            **os.environ,
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ATTUNE_VAR_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SMTP_HOST": "127.0.0.1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "ATTUNE_STATIC_ROOT": str(tmp_path / "static"),
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        with gunicorn(env, "--workers", "1", "--threads", "2") as base:
            assert get(base + "/healthz")[0] == 200
            assert get(base + "/accounts/login/")[0] == 200

            pg.stop()
            status, body = get(base + "/healthz")
            assert status == 503 and json.loads(body)["database"] == "down"

            pg.start()
            deadline = time.monotonic() + 20
            statuses = []
            while time.monotonic() < deadline:
                statuses.append(get(base + "/healthz")[0])
                if statuses[-1] == 200:
                    break
                time.sleep(0.5)
            assert statuses[-1] == 200, statuses
            # Pages that use the database work again with no restart of the app.
            assert get(base + "/accounts/login/")[0] == 200
            assert get(base + "/accounts/signup/")[0] == 200
