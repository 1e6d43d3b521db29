"""`make run`'s configuration boots: SQLite, the file broker, web and worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SMTP_HOST"}
        and not key.startswith("ATTUNE_")
    }
    env["ATTUNE_VAR_DIR"] = str(var_dir)
    return env


@pytest.mark.slow
def test_it_serves_healthz_and_runs_a_task_through_the_file_broker(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)

    def shell(script: str) -> str:
        """Run Python in `manage.py shell` against the embedded setup; its output."""
        return subprocess.run(
            [*manage, "shell", "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
            capture_output=True,
            text=True,
        ).stdout

    port = free_port()
    web = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "threads",
            "-c",
            "2",
            "--hostname",
            f"test-{port}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = b""
        for _ in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert b'"database": "ok"' in body and b'"broker": "ok"' in body, body
        script = (
            "from accounts.models import User; from accounts.tasks import send_password_reset; "
            "u = User.objects.create_user('new@example.com', 'a calm river 42'); "
            "send_password_reset.delay(u.pk, 'example.org', True)"
        )
        shell(script)
        mail_dir = tmp_path / "mail"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(mail_dir.glob("*.log")):
            time.sleep(0.5)
        written = [path.read_text() for path in mail_dir.glob("*.log")]
        assert written and "Reset your Attune password" in written[0]
        assert (tmp_path / "secret_key").exists() and (tmp_path / "note_keys").exists()

        # A whole check-in on SQLite: the hot path's plain-SQL inserts and update
        # (config/rows.py, journal/checkins.py) must work on both databases.
        checkin = (
            "from accounts.models import User; from journal import checkins; "
            "from journal.models import Tag; from mood.models import EmotionWord; "
            "from mood.values import Mood; "
            "from journal.search import search_notes; from music.models import UserTrack; "
            "u = User.objects.get(email='new@example.com'); "
            "w = list(EmotionWord.objects.filter(user=None)[:2]); "
            "t = Tag.objects.create(user=u, name='river'); "
            "args = dict(words=w, tags=[t], note='Walked by the river', "
            "track=(None, ('Nina Simone', 'Feeling Good'), None)); "
            "c = checkins.record_checkin(u, Mood(2, 1), **args); "
            "checkins.record_checkin(u, Mood(-2, 3), track=args['track']); "
            "ut = UserTrack.objects.get(user=u); "
            "print('saved', c.words.count(), c.tags.count(), "
            "list(search_notes(u, 'riv')) == [c], ut.checkin_count, ut.checkin_pleasantness); "
            # The form's plain-SQL ownership checks (config.rows.ids_where).
            "from journal.forms import CheckInForm; "
            "data = {'mood': '2,1', 'words': [str(x.pk) for x in w], 'tags': [str(t.pk)], "
            "'track_id': str(ut.track_id)}; "
            "print('form', CheckInForm(u, data).is_valid(), "
            "CheckInForm(u, {**data, 'tags': ['999999']}).is_valid())"
        )
        out = shell(checkin)
        assert "saved 2 1 True 2 0.0" in out, out
        assert "form True False" in out, out

        # Every main page, logged in, on SQLite (the suite otherwise runs on
        # PostgreSQL; SQLite 3.40 here cannot order inside an aggregate, which
        # once made the check-in and history pages 500 in `make run`).
        pages = ["/", "/history/", "/history/insights/", "/music/", "/playlists/"]
        pages += ["/reflections/", "/settings/", "/import/", "/music/import/"]
        visit = (
            "from django.test import Client; from accounts.models import User; "
            "c = Client(HTTP_HOST='127.0.0.1'); "
            "c.force_login(User.objects.get(email='new@example.com')); "
            f"print(*[(p, c.get(p).status_code) for p in {pages!r}])"
        )
        out = shell(visit)
        assert out.strip().splitlines()[-1] == " ".join(str((page, 200)) for page in pages), out
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
