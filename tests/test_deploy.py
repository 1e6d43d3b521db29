"""Production settings pass `check --deploy`, and docker-compose.yml is sound."""

from __future__ import annotations

import base64
import os
import re
import secrets
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


def check_deploy(env: dict[str, str]) -> str:
    """`manage.py check --deploy` failing on warnings too; its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_it_passes_check_deploy_with_production_values(tmp_path: Path) -> None:
    check_deploy({**os.environ, **PRODUCTION_ENV, "ATTUNE_VAR_DIR": str(tmp_path)})


def fill_in(name: str, value: str) -> str:
    """A value with its REPLACE_WITH_… placeholder filled in, as the comments in
    .env.example say: a new random secret of the kind asked for."""
    secret = (
        secrets.token_urlsafe(50)
        if name == "SECRET_KEY"
        else base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
    return re.sub(r"REPLACE_WITH_\w+", secret, value)


def env_example() -> dict[str, str]:
    """.env.example's values as docker compose's env_file reads them (KEY=value
    lines, the value taken literally to the end of the line), secrets filled in."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = fill_in(name.strip(), value)
    return values


def test_it_passes_check_deploy_with_the_settings_from_env_example(tmp_path: Path) -> None:
    """Acceptance 5 of issue 19: someone who copies .env.example and fills in
    its secrets gets a deployment `check --deploy` has nothing to say about
    (left unfilled, the secret key's placeholder is too short to pass)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ATTUNE_", "SECURE_", "SMTP_", "AXES_"))
        and key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env |= env_example()
    env["ATTUNE_VAR_DIR"] = str(tmp_path)  # where the generated secret key goes
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    output = check_deploy(env)
    assert "no issues" in output, output


def test_compose_defines_the_seven_services_from_one_image() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "importer", "beat", "db", "redis", "mailpit"}
    app_services = [services[name] for name in ("web", "worker", "importer", "beat")]
    assert len({str(s.get("build")) + str(s.get("image")) for s in app_services}) == 1
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "config/gunicorn.py" in services["web"]["command"]
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
    names: set[str] = set()
    for path in (ROOT / "config").glob("*.py"):
        names |= set(re.findall(r"env(?:bool|int|list)?\(\s*\"([A-Z_]+)\"", path.read_text()))
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in names if f"{name}=" not in example)
    assert not missing, f".env.example lacks {missing}"


def test_gunicorn_serves_with_threads_so_a_small_request_never_waits_for_a_whole_process() -> None:
    config: dict[str, object] = {}
    exec((ROOT / "config" / "gunicorn.py").read_text(), config)  # noqa: S102 - our own file
    # gunicorn's gthread worker, sharing pages among the processes (config/workers.py).
    from gunicorn.util import load_class
    from gunicorn.workers.gthread import ThreadWorker

    assert issubclass(load_class(str(config["worker_class"])), ThreadWorker)
    assert int(str(config["threads"])) > 1
