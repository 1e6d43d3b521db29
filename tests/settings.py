"""Test settings: real PostgreSQL and Redis, fast password hashing.

Each checkout gets its own database and Redis db number, so two checkouts (or
CI and a developer) can run the suite side by side.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/attune")
os.environ.setdefault("ATTUNE_NOTE_KEYS", "t1:" + "A" * 43)
os.environ.setdefault("ATTUNE_SEARCH_KEY", "test-search-key")

from kombu import Queue

from config.settings import *  # noqa: F403
from config.settings import ATTUNE_IMPORTS_QUEUE, BASE_DIR, DATABASES

_checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: S324
DATABASES["default"]["TEST"] = {"NAME": f"test_attune_{_checkout}"}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Each pytest-xdist process gets a Redis db of its own too: a test that empties
# its broker db (tests/conftest.py redis_broker) must not wipe the task another
# process has just queued, nor may one process's worker take another's task.
_xdist = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_DB = int(
    os.environ.get("ATTUNE_TEST_REDIS_DB", (int(_checkout, 16) % 7 * 2 + _xdist) % 15 + 1)
)
# ATTUNE_TEST_REDIS_PORT points a checkout at a Redis server of its own (several
# checkouts testing side by side on one machine).
_redis_port = os.environ.get("ATTUNE_TEST_REDIS_PORT", "6379")
CELERY_BROKER_URL = os.environ.get("REDIS_URL", f"redis://127.0.0.1:{_redis_port}/{REDIS_TEST_DB}")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 7200}
# Tests that start worker processes of their own (test_reflection_worker) give
# them a queue of their own as well.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ATTUNE_TEST_CELERY_QUEUE", "celery")
# Such a worker takes imports from that one queue too; otherwise imports have
# their own queue as in production, and a worker without --queues takes both.
# (or from ATTUNE_TEST_IMPORTS_QUEUE, a second queue of that test's own).
if os.environ.get("ATTUNE_TEST_CELERY_QUEUE"):
    ATTUNE_IMPORTS_QUEUE = os.environ.get("ATTUNE_TEST_IMPORTS_QUEUE", CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name)
    for name in {CELERY_TASK_DEFAULT_QUEUE: 0, ATTUNE_IMPORTS_QUEUE: 0}
]
CELERY_TASK_ROUTES = {"imports.tasks.run_import": {"queue": ATTUNE_IMPORTS_QUEUE}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A worker started by a test with SMTP_HOST set (a loopback sink) keeps the real
# SMTP mailer from config.settings; everything else uses the in-memory outbox.
if not os.environ.get("SMTP_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
