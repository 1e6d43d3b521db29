"""Issue 19, acceptance 1: hostile uploads through a real gunicorn and real
Celery workers (one on the default queue, one on the imports queue, as in
docker-compose.yml). Every file gets a page with a reason, no 500; the peak
memory (VmHWM) of every web and worker process stays under 300 MB; a password
reset asked for meanwhile is delivered over SMTP within seconds.

The files are made once per module, streamed to disk and streamed up.
"""

from __future__ import annotations

import http.client
import os
import struct
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from imports.models import ImportJob
from tests.conftest import make_user
from tests.faults import children, gunicorn, subprocess_env
from tests.journal.smtp_sink import Sink, smtp_sink

__all__ = ["smtp_sink"]

pytestmark = [pytest.mark.workers, pytest.mark.slow]

BASE_DIR = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
RSS_LIMIT_KB = 300 * 1024
DAYLIO_HEADER = b"full_date,date,weekday,time,mood,activities,note_title,note\n"


# -- the files ------------------------------------------------------------------


def empty_checkins_archive(path: Path, size: int = 48 * MB) -> Path:
    with path.open("wb") as out:
        out.write(b'{"format":"attune-archive","version":1,"checkins":[{}')
        block = b",{}" * (MB // 3)
        while out.tell() < size:
            out.write(block)
        out.write(b"]}")
    return path


def deep_archive(path: Path, depth: int = 3000) -> Path:
    head = b'{"format":"attune-archive","version":1,"checkins":['
    path.write_bytes(head + b"[" * depth + b"]" * depth + b"]}")
    return path


def one_huge_row_csv(path: Path, size: int = 150 * MB) -> Path:
    with path.open("wb") as out:
        out.write(DAYLIO_HEADER + b"2026-01-01,January 1,Thursday,10:00,good,,,")
        block = b"x" * MB
        while out.tell() < size:
            out.write(block)
        out.write(b"\n")
    return path


def million_member_zip(path: Path, members: int = 1_000_000) -> Path:
    """A stored zip of a million empty members, written directly (zipfile would
    hold a million ZipInfo objects in this process)."""
    directory = path.with_suffix(".dir")
    with path.open("wb") as out, directory.open("wb") as central:
        for n in range(members):
            name = f"Streaming_History_Audio_{n:07d}_xxx.json".encode()  # 156 bytes a member
            offset = out.tell()
            out.write(
                struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
            )
            out.write(name)
            central.write(
                struct.pack(
                    "<4s6H3L5H2L",
                    *(b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0),
                    offset,
                )
            )
            central.write(name)
        start = out.tell()
        central.flush()
        with directory.open("rb") as source:
            while chunk := source.read(MB):
                out.write(chunk)
        size = out.tell() - start
        # Zip64's end records carry the real count (the classic one says 0xFFFF).
        record = out.tell()
        out.write(
            struct.pack(
                "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, members, members, size, start
            )
        )
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, record, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, start, 0))
    directory.unlink()
    return path


def zip_bomb(path: Path, unpacked: int = 3 * 1024 * MB) -> Path:
    zeros = bytes(MB)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("Streaming_History_Audio_2020.json", "w", force_zip64=True) as member,
    ):
        for _ in range(unpacked // MB):
            member.write(zeros)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "archive": empty_checkins_archive(folder / "attune-export.json"),
        "deep": deep_archive(folder / "deep.json"),
        "csv": one_huge_row_csv(folder / "daylio_export.csv"),
        "members": million_member_zip(folder / "my_spotify_data.zip"),
        "bomb": zip_bomb(folder / "bomb.zip"),
    }


# -- the processes --------------------------------------------------------------


def vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children(current))
    return found


class Peaks:
    """The highest VmHWM seen in each watched process tree, sampled as we go
    (a pool process that is replaced takes its peak with it otherwise)."""

    def __init__(self) -> None:
        self.roots: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    def watch(self, name: str, pid: int) -> None:
        self.roots[name] = pid

    def sample(self) -> None:
        for name, root in self.roots.items():
            for pid in tree(root):
                self.peak[name] = max(self.peak.get(name, 0), vm_hwm_kb(pid))


def serving(bind: str) -> list[int]:
    """The gunicorn processes started with `--bind bind`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:
            continue
        if b"gunicorn" in b" ".join(args) and bind.encode() in args:
            found.append(int(entry.name))
    return found


def start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            *("-m", "celery", "-A", "config", "worker", "--pool", "prefork"),
            *("--concurrency", "1", "--queues", queue, "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--hostname", f"hostile-{uuid.uuid4().hex[:8]}@%h"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        assert time.monotonic() < deadline and proc.poll() is None, log.read_text()[-3000:]
        time.sleep(0.2)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(10)


class Browser:
    """A signed-in person on the gunicorn server, posting files as streams."""

    def __init__(self, base: str, session: str) -> None:
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.cookies = {"sessionid": session}

    def request(
        self, method: str, path: str, body: Iterator[bytes] | bytes = b"", **headers: str
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.putrequest(method, path)
        conn.putheader("Cookie", cookie)
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        if isinstance(body, bytes):
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
        else:
            conn.endheaders()
            for chunk in body:
                conn.send(chunk)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, dict(response.headers), text

    def get(self, path: str) -> tuple[int, str]:
        status, headers, text = self.request("GET", path)
        if status == 302:
            return self.get(headers["Location"])
        return status, text

    def post_file(
        self, path: str, field: str, file: Path, fields: dict[str, str]
    ) -> tuple[int, str, str]:
        """A multipart POST streamed from disk; (status, location, page)."""
        self.get("/settings/")  # a CSRF cookie
        token = self.cookies["csrftoken"]
        boundary = uuid.uuid4().hex
        disposition = "Content-Disposition: form-data; name="
        parts = b"".join(
            f'--{boundary}\r\n{disposition}"{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in {**fields, "csrfmiddlewaretoken": token}.items()
        )
        head = (
            parts
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
        )
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            with file.open("rb") as source:
                while chunk := source.read(MB):
                    yield chunk
            yield tail

        status, headers, text = self.request(
            "POST",
            path,
            body(),
            Content_Type=f"multipart/form-data; boundary={boundary}",
            Content_Length=str(len(head) + file.stat().st_size + len(tail)),
            X_CSRFToken=token,
        )
        return status, headers.get("Location", ""), text


def wait_job(job_id: int, peaks: Peaks, seconds: float = 240) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        peaks.sample()
        job = ImportJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture
def stack(
    transactional_db: None, smtp_sink: Sink, tmp_path: Path, settings: Any
) -> Iterator[tuple[Browser, Peaks, Sink]]:
    """gunicorn + a default-queue worker + an imports worker, on the test database."""
    tag = uuid.uuid4().hex[:8]
    media = tmp_path / "var"
    env = subprocess_env(f"hostile-{tag}", smtp_sink)
    env["ATTUNE_TEST_IMPORTS_QUEUE"] = f"hostile-imports-{tag}"
    env["ATTUNE_VAR_DIR"] = str(media)
    env["SECRET_KEY"] = settings.SECRET_KEY  # the test's session is signed with it
    make_user("pat@example.com")
    client = Client()
    client.force_login(make_user("sam@example.com"))
    peaks = Peaks()
    mail = start_worker(env, env["ATTUNE_TEST_CELERY_QUEUE"], tmp_path / "worker.log")
    importer = start_worker(env, env["ATTUNE_TEST_IMPORTS_QUEUE"], tmp_path / "importer.log")
    peaks.watch("worker", mail.pid)
    peaks.watch("importer", importer.pid)
    try:
        with gunicorn(env, "--workers", "1", "--timeout", "300") as base:
            for pid in serving(base.rsplit("/", 1)[1]):
                peaks.watch(f"web {pid}", pid)
            assert peaks.roots.keys() - {"worker", "importer"}, "gunicorn not found"
            yield Browser(base, client.cookies["sessionid"].value), peaks, smtp_sink
    finally:
        stop(importer)
        stop(mail)
        if os.environ.get("SHOW_WORKER_LOG"):
            print((tmp_path / "importer.log").read_text())


def job_from(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[1])


def test_hostile_uploads_are_refused_with_a_reason_in_bounded_memory(
    stack: tuple[Browser, Peaks, Sink], files: dict[str, Path]
) -> None:
    browser, peaks, sink = stack
    reasons: dict[str, str] = {}

    # The zip bomb goes first, and a password reset is asked for while it is read.
    status, location, _ = browser.post_file(
        "/music/import/", "file", files["bomb"], {"kind": "spotify"}
    )
    assert status == 302, location
    bomb = job_from(location)
    asked = time.monotonic()
    status, _headers, _page = browser.request(
        "POST",
        "/accounts/password/reset/",
        f"email=pat%40example.com&csrfmiddlewaretoken={browser.cookies['csrftoken']}".encode(),
        Content_Type="application/x-www-form-urlencoded",
    )
    assert status == 302
    while not sink.count_by_recipient()["pat@example.com"]:
        assert time.monotonic() - asked < 15, "the reset email waited behind an import"
        peaks.sample()
        time.sleep(0.2)
    reasons["bomb"] = wait_job(bomb, peaks).message

    for name, path, fields in [
        ("members", files["members"], {"kind": "spotify"}),
        ("archive", files["archive"], {}),
        ("deep", files["deep"], {}),
    ]:
        url = "/settings/import/" if name in ("archive", "deep") else "/music/import/"
        field = "archive" if name in ("archive", "deep") else "file"
        status, location, page = browser.post_file(url, field, path, fields)
        assert status == 302, (name, status, page[-2000:])
        job = wait_job(job_from(location), peaks)
        assert job.status == ImportJob.Status.FAILED, (name, job.message)
        _status, page = browser.get(location)
        assert job.message.split(";")[0].split("(")[0] in page.replace("&#x27;", "'")
        reasons[name] = job.message

    # The journal CSV: the mood step's scan runs in the importer and says why.
    status, location, page = browser.post_file(
        "/import/", "file", files["csv"], {"format": "auto", "time_zone": "UTC"}
    )
    assert (status, location) == (302, "/import/moods/"), page[-2000:]
    scan = ImportJob.objects.filter(kind="journal_scan").latest("pk")
    reasons["csv"] = wait_job(scan.pk, peaks).message
    status, page = browser.get("/import/moods/")
    assert status == 200
    assert "a line is longer than 1,000,000 characters" in page

    peaks.sample()
    assert "would unpack to 3,072 MB; Attune unpacks up to 1,024 MB" in reasons["bomb"]
    assert "This zip holds 1,000,000 files; Attune reads zips of up to 10,000" in reasons["members"]
    assert "more than 2,000,000 entries" in reasons["archive"]
    assert "nested more than 32 levels deep" in reasons["deep"]
    assert "a line is longer than 1,000,000 characters" in reasons["csv"]
    for name, peak in peaks.peak.items():
        assert 0 < peak < RSS_LIMIT_KB, f"{name} peaked at {peak // 1024} MB"


def test_the_import_command_refuses_a_huge_row_in_bounded_memory(
    transactional_db: None, files: dict[str, Path], tmp_path: Path
) -> None:
    make_user("sam@example.com")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "ATTUNE_VAR_DIR": str(tmp_path / "var"),
    }
    proc = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "import_journal", "--user", "sam@example.com"),
            *("--format", "daylio", str(files["csv"])),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, vm_hwm_kb(proc.pid))
        time.sleep(0.1)
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "Traceback" not in output, output[-3000:]
    assert "a line is longer than 1,000,000 characters" in output, output[-3000:]
    assert peak < RSS_LIMIT_KB, f"the command peaked at {peak // 1024} MB"
