"""`make run` as a person keeps it: the real `run_embedded` process (gunicorn,
DEBUG off, SQLite, the file broker, worker and beat), answering pages, a
missing page and a server error without a traceback, and stopped by Ctrl-C
with nothing left running."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SMTP_HOST", "DEBUG"}
        and not key.startswith(("ATTUNE_", "SECURE_", "ALLOWED_HOSTS", "SITE_URL"))
    }
    env["ATTUNE_VAR_DIR"] = str(var_dir)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> str:
    """Run `manage.py ARGS` with `env` (the embedded setup); its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    ).stdout


def session_processes(sid: int) -> list[str]:
    """Every process still alive in session `sid`, as its command line."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid:
                continue
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        if stat.rpartition(")")[2].split()[0] != "Z":
            alive.append(cmdline)
    return alive


def fetch(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.slow
def test_make_run_serves_safely_runs_tasks_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)

    def shell(script: str) -> str:
        """Run Python in `manage.py shell` against the embedded setup; its output."""
        return manage(env, "shell", "-c", script, timeout=60)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "run.log").open("wb")
    # `make run` itself, with one extra URL that fails on purpose; in a session
    # of its own, as a terminal would run it.
    run = subprocess.Popen(
        [sys.executable, "manage.py", "run_embedded", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.embedded_settings"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    stopped = False
    try:
        body = ""
        for _ in range(360):
            try:
                body = fetch(opener, f"{base}/healthz")[2]
                break
            except OSError:
                assert run.poll() is None, (tmp_path / "run.log").read_text()
                time.sleep(0.5)
        assert '"database": "ok"' in body and '"broker": "ok"' in body, body
        assert "(gunicorn)" in (tmp_path / "run.log").read_text()

        # DEBUG is off: a missing page and a failing view get Attune's pages,
        # never Django's technical ones.
        status, _headers, page = fetch(opener, f"{base}/no-such-page/")
        assert status == 404 and "We couldn't find that page" in page, page
        assert "Page not found" not in page and "URLconf" not in page
        status, _headers, page = fetch(opener, f"{base}/test-error/")
        assert status == 500 and "Something went wrong on our side" in page, page
        assert "Traceback" not in page and "SECRET-DETAIL" not in page

        # Plain http on 127.0.0.1 works with DEBUG off: no https redirect, no
        # secure-only cookies, static files by hashed name from whitenoise.
        status, headers, page = fetch(opener, f"{base}/accounts/login/")
        assert status == 200, page
        assert "Strict-Transport-Security" not in headers
        stylesheet = re.search(r'href="(/static/css/attune\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page
        status, headers, _css = fetch(opener, base + stylesheet.group(1))
        assert status == 200 and "max-age=315360000" in headers.get("Cache-Control", "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        form = {"csrfmiddlewaretoken": token.group(1), "username": "demo@attune.local"}
        form["password"] = "attune-demo"
        assert "Log out" not in page
        # Signing in over plain http (CSRF cookie and session cookie not
        # secure-only) lands on the journal, and a journal page renders.
        status, _headers, page = fetch(
            opener, f"{base}/accounts/login/", urllib.parse.urlencode(form).encode()
        )
        assert status == 200 and "Log out" in page, page
        status, _headers, page = fetch(opener, f"{base}/history/")
        assert status == 200 and "Log out" in page, page

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
        assert any("Reset your Attune password" in text for text in written), written
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

        # Ctrl-C: the terminal sends SIGINT to its foreground process group.
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=60) == 0
        stopped = True
        deadline = time.monotonic() + 10
        while session_processes(run.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_processes(run.pid) == []
        assert "Attune stopped." in (tmp_path / "run.log").read_text()
    finally:
        if not stopped:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.wait(timeout=30)
        # Whatever a failure left behind in the session this test started.
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    if os.getsid(int(entry.name)) == run.pid:
                        os.kill(int(entry.name), signal.SIGKILL)
        log.close()
