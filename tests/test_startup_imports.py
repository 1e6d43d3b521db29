"""A process that loads Attune and its URLs (a web worker, an import worker, a
management command with its system checks) does not load the heavy libraries
only some features use: numpy (correlations), pywebpush and Apprise (reminder
delivery), cryptography (notes, archives, the VAPID key), ijson (archive
imports). Imported with their modules they cost some 37 MB in every such
process, where the Spotify import's peak memory is measured (bench/sections.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "pywebpush", "apprise", "requests", "aiohttp", "cryptography", "ijson")

LOAD = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
get_resolver().url_patterns
call_command("check", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
import music.imports.spotify, music.imports.listenbrainz, imports.jobs
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_loading_the_app_its_urls_and_importers_leaves_heavy_libraries_unloaded() -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
