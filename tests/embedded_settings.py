"""`make run`'s own settings plus one URL that fails on purpose, so
tests/test_embedded.py can see what the spawned server answers to an error."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.embedded_urls"
