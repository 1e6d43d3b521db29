"""QUALITY 19a: the listening API under load through gunicorn.

Eight connections send 1,000-listen `import` submissions (every request new
listens, spread over eight users' tokens) while a ninth sends `single`
submissions for another user. Figures: listens stored per second against the
Spotify importer's rate measured in the same run, and the `single` p99.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from bench.sections import section

if TYPE_CHECKING:
    from bench.run import Report, Sizes

LISTENS_PER_IMPORT = 1000
IMPORT_USERS = 8
TRACKS = 400

# Each request builds a new payload: timestamps unique over threads and
# requests (so nothing is a duplicate), tracks cycling over the library.
IMPORT_LUA = """
local tokens = {%(tokens)s}
local counter = 0
local id = 0
function setup(thread)
  thread:set("id", %(next_id)s)
end
function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end
request = function()
  counter = counter + 1
  local serial = counter * 16 + id
  local parts = {}
  for i = 1, %(n)d do
    local ts = %(base)d - (serial * %(n)d + i) * 7
    local t = (serial * 13 + i) %% %(tracks)d
    parts[i] = '{"listened_at":' .. ts .. ',"track_metadata":{"artist_name":"Bench Artist '
      .. (t %% 50) .. '","track_name":"Bench Song ' .. t .. '","additional_info":'
      .. '{"media_player":"bench","duration_ms":200000}}}'
  end
  local body = '{"listen_type":"import","payload":[' .. table.concat(parts, ",") .. ']}'
  local token = tokens[(serial %% #tokens) + 1]
  return wrk.format("POST", nil, {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
"""

SINGLE_LUA = """
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"listen_type":"single","payload":[{"listened_at":' .. (%(base)d - counter * 11)
    .. ',"track_metadata":{"artist_name":"Bench Artist ' .. (counter %% 50)
    .. '","track_name":"Bench Song ' .. (counter %% %(tracks)d) .. '"}}]}'
  return wrk.format("POST", nil, {
    ["Authorization"] = "Token %(token)s",
    ["Content-Type"] = "application/json",
  }, body)
end
"""

SINGLE_LUA_BODY = (
    '{"listen_type":"single","payload":[{"listened_at":%d,'
    '"track_metadata":{"artist_name":"Bench Artist 0","track_name":"Bench Song 0"}}]}'
)

# wrk calls setup() once per thread in order; a global counter numbers them.
NEXT_ID = "(function() _ids = (_ids or 0) + 1; return _ids end)()"


def spotify_rate(plays: int) -> float:
    """Listens per second the Spotify importer stores (`import_music`)."""
    import os
    import subprocess
    import sys
    import tempfile

    from django.conf import settings

    from bench.generate import make_user, spotify_history
    from bench.run import ROOT
    from music.models import Listen

    user = make_user("api-spotify@bench.example")
    folder = tempfile.mkdtemp(prefix="attune-bench-")
    path = os.path.join(folder, "Streaming_History_Audio_2023-2026_0.json")
    spotify_history(path, plays, random.Random(19))
    db = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
    }
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_music", "--user", user.email, path],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - t0
    return Listen.objects.filter(user=user).count() / elapsed


@section("listen_api")
def listen_api_bench(report: Report, sizes: Sizes, smoke: bool) -> None:
    import os
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from django.conf import settings

    from bench.generate import make_user
    from bench.sections import wrk
    from music.listening.tokens import token_for
    from music.models import Listen
    from tests.faults import gunicorn

    importers = [make_user(f"api-import-{i}@bench.example") for i in range(IMPORT_USERS)]
    tokens = [token_for(user).key for user in importers]
    single_user = make_user("api-single@bench.example")
    single_token = token_for(single_user).key
    base = int(time.time()) - 3600
    import_lua = IMPORT_LUA % {
        "tokens": ", ".join(f'"{t}"' for t in tokens),
        "next_id": NEXT_ID,
        "n": LISTENS_PER_IMPORT,
        "base": base,
        "tracks": TRACKS,
    }
    single_lua = SINGLE_LUA % {"base": base, "tracks": TRACKS, "token": single_token}

    db = settings.DATABASES["default"]
    dsn = f"postgres://postgres@127.0.0.1:5432/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": dsn,
        # The load is many times what a scrobbler sends; the per-token limit
        # (tested in tests/music/test_listen_api.py) is not what is measured.
        "ATTUNE_LISTEN_RATE_LIMIT": "1000000",
    }
    seconds = sizes.load_seconds
    # The same gunicorn as the check-in benchmark (docker-compose.yml's web).
    with gunicorn(env, "--workers", "3", "--log-level", "warning") as url:
        # Warm every worker on the real path (its first request loads the app).
        for n in range(6):
            warm = urllib.request.Request(
                url + "/1/submit-listens",
                method="POST",
                data=(SINGLE_LUA_BODY % (base - 99_999 + n)).encode(),
                headers={"Authorization": f"Token {single_token}"},
            )
            with urllib.request.urlopen(warm, timeout=60) as answer:
                answer.read()
        # And every thread: each opens its own database connection on first
        # use, and requests are shared among the processes one at a time
        # (config/workers.py), so a lone player's reach all 3 x 8 of them.
        warm_lua = single_lua.replace("counter * 11", "counter * 11 - 7")
        wrk(url + "/1/submit-listens", connections=8, seconds=2, lua=warm_lua)
        alone = wrk(url + "/1/submit-listens", connections=1, seconds=seconds, lua=single_lua)
        before = Listen.objects.filter(user__in=importers).count()
        with ThreadPoolExecutor(2) as pool:
            imports = pool.submit(
                wrk,
                url + "/1/submit-listens",
                connections=8,
                seconds=seconds,
                lua=import_lua,
                timeout=30,  # a 1,000-listen batch may queue behind seven others
            )
            time.sleep(0.5)  # let the import load build up first
            single = pool.submit(
                wrk,
                url + "/1/submit-listens",
                connections=1,
                seconds=max(1, seconds - 1),
                lua=single_lua.replace("counter * 11", "counter * 11 - 5"),
            )
            loaded, under_load = imports.result(), single.result()
        stored = Listen.objects.filter(user__in=importers).count() - before
    rate = stored / loaded["seconds"]
    spotify = spotify_rate(sizes.spotify_plays)
    ok = loaded["requests"] > 0 and loaded["non2xx"] == 0 and loaded["errors"] == 0
    report.add(
        "listening API: 1,000-listen imports, 8 conn: listens stored/s",
        rate,
        "listens/s",
        f">= Spotify importer ({spotify:,.0f}/s) (QUALITY 19a)",
        rate >= spotify if ok else False,
        f"{loaded['rps']:.1f} req/s, p99 {loaded['p99_ms']:.0f} ms"
        + ("" if ok else f"; {loaded['non2xx']} error responses"),
    )
    single_ok = (
        under_load["requests"] > 0 and under_load["non2xx"] == 0 and under_load["errors"] == 0
    )
    report.add(
        "listening API: single submission p99 under that load",
        under_load["p99_ms"],
        "ms",
        "< 50 ms (QUALITY 19a)",
        under_load["p99_ms"] < 50 if single_ok else False,
        f"p50 {under_load['p50_ms']:.1f} ms; alone p50 {alone['p50_ms']:.1f} / "
        f"p99 {alone['p99_ms']:.1f} ms"
        + ("" if single_ok else f"; {under_load['non2xx']} error responses"),
    )
    expected = Listen.objects.filter(user=single_user).count()
    report.add(
        "correctness: single submissions stored",
        expected,
        "rows",
        "> 0",
        expected > 0,
    )
