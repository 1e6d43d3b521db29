"""Settings for the benchmarks: production-like (DEBUG off) against a throwaway
PostgreSQL database `attune_bench`, mail handed to a counting backend."""

from __future__ import annotations

import os

# `python -m bench.run --sqlite`: the embedded default (SQLite, no Redis) on
# a throwaway file; otherwise PostgreSQL and Redis as in production.
SQLITE = os.environ.get("ATTUNE_BENCH_SQLITE", "")
if not SQLITE:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("ATTUNE_NOTE_KEYS", "b1:" + "C" * 43)
os.environ.setdefault("ATTUNE_SEARCH_KEY", "bench-search-key")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES, MIDDLEWARE  # noqa: E402

if SQLITE:
    DATABASES["default"]["NAME"] = SQLITE

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "bench.mail.CountingBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling is not what is measured; keep axes out of the hot path.
AXES_ENABLED = False
MIDDLEWARE = [m for m in MIDDLEWARE if m != "axes.middleware.AxesMiddleware"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
