"""Production settings pass `check --deploy`, and docker-compose.yml is sound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://attune@db:5432/attune",
    "REDIS_URL": "redis://redis:6379/0",
    "SECRET_KEY": "x8#k2!pQz7@vR4&mW9^nB3*cL6(dF1)hJ5_tY0+sG8-aE2=uI7~oP4",
    "ALLOWED_HOSTS": "attune.example.org",
    "ATTUNE_NOTE_KEYS": "k1:" + "B" * 43,
    "ATTUNE_SEARCH_KEY": "prod-search-key",
    "DEBUG": "false",
    "SMTP_HOST": "smtp.example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def test_it_passes_check_deploy_with_production_values(tmp_path: Path) -> None:
    env = {**os.environ, **PRODUCTION_ENV, "ATTUNE_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_defines_the_seven_services_from_one_image() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "importer", "beat", "db", "redis", "mailpit"}
    app_services = [services[name] for name in ("web", "worker", "importer", "beat")]
    assert len({str(s.get("build")) + str(s.get("image")) for s in app_services}) == 1
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    # Imports have a worker of their own, so a heavy one never delays an email.
    assert _queues(services["worker"]["command"]) == {"celery"}
    assert _queues(services["importer"]["command"]) == {"imports"}
    for name in ("web", "db", "redis", "mailpit"):
        assert "healthcheck" in services[name], name
    for service in app_services:
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis")
        assert env["SMTP_HOST"] == "mailpit"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def _queues(command: list[str]) -> set[str]:
    return set(command[command.index("--queues") + 1].split(","))


def test_imports_are_routed_to_their_own_queue_and_every_worker_knows_both() -> None:
    from django.conf import settings

    assert settings.CELERY_TASK_ROUTES["imports.tasks.run_import"]["queue"] == "imports"
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == {"celery", "imports"}


def test_env_example_lists_every_variable_settings_read() -> None:
    import re

    names: set[str] = set()
    for path in (ROOT / "config").glob("*.py"):
        names |= set(re.findall(r"env(?:bool|int|list)?\(\s*\"([A-Z_]+)\"", path.read_text()))
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in names if f"{name}=" not in example)
    assert not missing, f".env.example lacks {missing}"
