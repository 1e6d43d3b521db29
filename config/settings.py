"""Attune settings: one module, driven by the environment (see .env.example).

Without DATABASE_URL and REDIS_URL Attune runs in its *embedded* mode: a SQLite
file and a file-based Celery broker under var/, secrets generated once into var/.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Queue

from config.env import (
    env,
    envbool,
    envint,
    envlist,
    new_secret_key,
    new_vapid_key,
    secret_from_file,
)

# Lets annotations such as ModelAdmin[User] and QuerySet[CheckIn] work at runtime.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("ATTUNE_VAR_DIR", str(BASE_DIR / "var")))

DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
EMBEDDED = not DATABASE_URL

# DEBUG is off unless asked for, in the embedded default too: `make run` is
# gunicorn for someone's daily journal and must never show a traceback or the
# settings. `make dev` (Django's development server) turns it on.
DEBUG = envbool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY") or secret_from_file(VAR_DIR / "secret_key", new_secret_key)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Attune"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "axes",
    "accounts",
    "mood",
    "imports",
    "journal",
    "music",
    "pwa",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.PrivateNoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Every query here is short and per user. PostgreSQL's JIT compiles a
        # plan whose estimate passes jit_above_cost, which for a per-play
        # subquery cost 6 ms to save nothing (docs/history-performance.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "attune.sqlite3"),
            # Kept open between requests, as on PostgreSQL: opening one ran the
            # PRAGMAs and Django's function registrations on every request
            # (a logged-in hello took 20 ms instead of 3; issue 20).
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            # The web server and the worker write to one file: WAL and immediate
            # transactions keep them from failing with "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "journal:home"
LOGOUT_REDIRECT_URL = "journal:home"

# Login throttling: the 6th bad password for a username+IP locks it for a while.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page promises a time; retrying while paused must not push it back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Beside the username+IP limit, a ceiling per account across every address
# (accounts/lockout.py); a password reset by email lifts either at once.
AXES_HANDLER = "accounts.lockout.AccountCeilingHandler"
ATTUNE_LOGIN_ACCOUNT_LIMIT = envint("ATTUNE_LOGIN_ACCOUNT_LIMIT", 20)
# Number of reverse proxies in front of Attune that append to X-Forwarded-For
# (0: none, the socket's address is the client). Login lockout and the
# throttles count the address accounts/client_ip.py finds with it.
ATTUNE_TRUSTED_PROXIES = envint("ATTUNE_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Password-reset emails (and sign-up notices to an address's owner) per hour:
# per address asked for, and per client address asking (accounts/throttle.py).
ATTUNE_RESET_PER_EMAIL_PER_HOUR = envint("ATTUNE_RESET_PER_EMAIL_PER_HOUR", 3)
ATTUNE_RESET_PER_IP_PER_HOUR = envint("ATTUNE_RESET_PER_IP_PER_HOUR", 20)
# Who may sign up: open (anyone), invite (an invitation from staff: the admin
# or `manage.py invite EMAIL`), closed (nobody). accounts/signup.py.
ATTUNE_SIGNUP = env("ATTUNE_SIGNUP", "open").strip().lower()
if ATTUNE_SIGNUP not in {"open", "invite", "closed"}:
    raise ImproperlyConfigured("ATTUNE_SIGNUP must be open, invite or closed.")
ATTUNE_INVITE_DAYS = envint("ATTUNE_INVITE_DAYS", 14)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# `make run` collects into var/static/ at every start (run_embedded); an image
# collects into staticfiles/ when it is built (Dockerfile).
STATIC_ROOT = Path(
    env("ATTUNE_STATIC_ROOT", str(VAR_DIR / "static" if EMBEDDED else BASE_DIR / "staticfiles"))
)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "uploads"

# Request limits. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cover file
# uploads, so accounts.middleware.BodySizeLimitMiddleware enforces
# ATTUNE_MAX_UPLOAD_MB on every request body before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_UPLOAD_BYTES = envint("ATTUNE_MAX_UPLOAD_MB", 200) * 1024 * 1024
# The size check sits after the header middleware (security, CSP, frame
# options, no-store) so its 413 page carries the same headers as every page;
# nothing before it reads the body (CSRF reads POST only in process_view).
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.PrivateNoStoreMiddleware") + 1,
    "accounts.middleware.BodySizeLimitMiddleware",
)
MIDDLEWARE.insert(2, "accounts.middleware.Utf8RequestMiddleware")

# Security headers. The CSP uses nonces for the few script tags we have; htmx is
# configured (meta htmx-config) so it never injects an inline style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Django's database sessions, read with one plain statement (config/sessions.py).
SESSION_ENGINE = "config.sessions"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# HTTPS. The embedded default (no DATABASE_URL) is served over plain
# http://127.0.0.1 by `make run`, so it neither redirects to https nor marks
# cookies secure nor sends HSTS unless told to; production (DATABASE_URL set)
# does all three by default. includeSubDomains and preload bind every subdomain
# and, for preload, the browsers' built-in lists for months: only when asked
# for (docs/hsts.md).
_HTTPS_DEFAULT = not DEBUG and not EMBEDDED
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=_HTTPS_DEFAULT)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", default=_HTTPS_DEFAULT)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if _HTTPS_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", default=False)
# check --deploy warns whenever these two are off; off is the decision here
# (docs/hsts.md), not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
if envbool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail, through Django 6.1 MAILERS. Embedded mode writes every email as a file
# under var/mail/ so a newcomer can read password resets and reflections there.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Attune <attune@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAIL_DIR = VAR_DIR / "mail"
if env("SMTP_HOST"):
    MAILERS = {
        "default": {
            # Django's SMTP backend plus a commit point for exactly-once
            # reflections (journal/smtp.py); other mail goes out unchanged.
            "BACKEND": "journal.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("SMTP_HOST"),
                "port": envint("SMTP_PORT", 25),
                "username": env("SMTP_USER") or None,
                "password": env("SMTP_PASSWORD") or None,
                "use_tls": envbool("SMTP_USE_TLS"),
                "timeout": envint("SMTP_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }

# Celery. Tasks are idempotent by database constraints or conditional UPDATEs,
# which is what makes acks_late + reject_on_worker_lost safe (QUALITY.md).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 7200}
else:
    BROKER_DIR = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Without this kombu writes its broadcast tables to ./control/.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang on a dead broker (config/queue.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat entry, in UTC: the dispatcher computes each user's local time itself.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "dispatch-reflections": {"task": "journal.dispatch_reflections", "schedule": 15 * 60},
    "dispatch-reminders": {"task": "reminders.dispatch", "schedule": 5 * 60},
    "sweep-imports": {"task": "imports.tasks.sweep_imports", "schedule": 60},
    "refresh-heard-feel": {"task": "music.refresh_heard_feel", "schedule": 5 * 60},
    "sweep-account-emails": {"task": "accounts.tasks.sweep_account_emails", "schedule": 60},
    "purge-deleted": {"task": "journal.purge_deleted", "schedule": 5 * 60},
}
# Imports (imports/jobs.py, imports/sweeper.py). A running job whose worker
# holds it longer than the lease (more than the task time limit) is taken over;
# a job never handed to a worker is woken after the grace period.
ATTUNE_IMPORT_LEASE_SECONDS = envint("ATTUNE_IMPORT_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 30)
ATTUNE_IMPORT_QUEUED_GRACE_SECONDS = envint("ATTUNE_IMPORT_QUEUED_GRACE_SECONDS", 60)
ATTUNE_IMPORT_MAX_ATTEMPTS = envint("ATTUNE_IMPORT_MAX_ATTEMPTS", 3)
# A journal CSV left half set up (journal/imports/drafts.py) is removed after this.
ATTUNE_IMPORT_DRAFT_HOURS = envint("ATTUNE_IMPORT_DRAFT_HOURS", 24)
# ---- Uploads, bounded (issue 19; docs/uploads-bounded.md) -------------------
# Every upload is stored, then read by a worker on a queue of its own, so a
# heavy import never delays a password reset, a reminder or a reflection. A
# worker started without --queues consumes both (CELERY_TASK_QUEUES); in
# docker-compose.yml "worker" takes the default queue and "importer" the imports.
ATTUNE_IMPORTS_QUEUE = env("ATTUNE_IMPORTS_QUEUE", "imports")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(CELERY_TASK_DEFAULT_QUEUE, routing_key=CELERY_TASK_DEFAULT_QUEUE),
    Queue(ATTUNE_IMPORTS_QUEUE, routing_key=ATTUNE_IMPORTS_QUEUE),
]
CELERY_TASK_ROUTES = {"imports.tasks.run_import": {"queue": ATTUNE_IMPORTS_QUEUE}}
# Caps on what an upload may hold; each refusal names the cap in plain words.
ATTUNE_CSV_MAX_COLUMNS = envint("ATTUNE_CSV_MAX_COLUMNS", 60)
ATTUNE_CSV_MAX_LINE_CHARS = envint("ATTUNE_CSV_MAX_LINE_CHARS", 1_000_000)
ATTUNE_ZIP_MAX_MEMBERS = envint("ATTUNE_ZIP_MAX_MEMBERS", 10_000)
ATTUNE_ZIP_MAX_UNCOMPRESSED_MB = envint("ATTUNE_ZIP_MAX_UNCOMPRESSED_MB", 1024)
ATTUNE_JSON_MAX_DEPTH = envint("ATTUNE_JSON_MAX_DEPTH", 32)
ATTUNE_JSON_MAX_ITEMS = envint("ATTUNE_JSON_MAX_ITEMS", 2_000_000)
# ---- end of uploads, bounded --------------------------------------------------
# Weekly reflections (journal/reflections/schedule.py, delivery.py). The lease is
# longer than the task time limit, so a live worker never loses its claim.
ATTUNE_REFLECTION_LEASE_SECONDS = envint(
    "ATTUNE_REFLECTION_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 60
)
ATTUNE_REFLECTION_MAX_ATTEMPTS = envint("ATTUNE_REFLECTION_MAX_ATTEMPTS", 5)
ATTUNE_REFLECTION_RETRY_SECONDS = envint("ATTUNE_REFLECTION_RETRY_SECONDS", 300)
ATTUNE_REFLECTION_BATCH_SIZE = envint("ATTUNE_REFLECTION_BATCH_SIZE", 200)


# Notes are encrypted at rest (AES-GCM). ATTUNE_NOTE_KEYS is "id:base64key,..."
# with the current key first; older keys stay for decryption until rotate_keys
# has re-encrypted every note. ATTUNE_SEARCH_KEY keys the blind search index.
def _new_key_spec() -> str:
    return "k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()


def _new_search_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


ATTUNE_NOTE_KEYS = env("ATTUNE_NOTE_KEYS") or secret_from_file(VAR_DIR / "note_keys", _new_key_spec)
ATTUNE_SEARCH_KEY = env("ATTUNE_SEARCH_KEY") or secret_from_file(
    VAR_DIR / "search_key", _new_search_key
)


# Reminders (reminders/): Web Push signs with a VAPID key (RFC 8292), from the
# environment or generated once into var/; the subject is how a push service
# reaches whoever runs this Attune.
ATTUNE_VAPID_PRIVATE_KEY = env("ATTUNE_VAPID_PRIVATE_KEY") or secret_from_file(
    VAR_DIR / "vapid_private_key", new_vapid_key
)
ATTUNE_VAPID_SUBJECT = env("ATTUNE_VAPID_SUBJECT", "mailto:attune@localhost")
ATTUNE_REMINDER_LEASE_SECONDS = envint("ATTUNE_REMINDER_LEASE_SECONDS", 120)
ATTUNE_REMINDER_MAX_ATTEMPTS = envint("ATTUNE_REMINDER_MAX_ATTEMPTS", 3)

# Care resources shown gently when a week is very low (per deployment).
ATTUNE_CARE_RESOURCES = env(
    "ATTUNE_CARE_RESOURCES",
    "If things feel heavy, you deserve support. Talking to someone you trust, your doctor, "
    "or a local helpline can help. In an emergency, call your local emergency number.",
)
ATTUNE_NOTE_MAX_CHARS = envint("ATTUNE_NOTE_MAX_CHARS", 5000)
# Notes imported from other journals are kept whole up to this length (years of
# writing should not be cut to fit the check-in form); longer ones are shortened
# and the import summary says which rows.
ATTUNE_IMPORT_NOTE_MAX_CHARS = envint("ATTUNE_IMPORT_NOTE_MAX_CHARS", 100_000)
# Largest Attune archive (JSON export) accepted for import on /settings/.
ATTUNE_ARCHIVE_MAX_MB = envint("ATTUNE_ARCHIVE_MAX_MB", 50)

# Listening API (music/listening/): requests per token per window, far above what
# a scrobbler sends (one listen and one "playing now" per song).
ATTUNE_LISTEN_RATE_LIMIT = envint("ATTUNE_LISTEN_RATE_LIMIT", 100)
ATTUNE_LISTEN_RATE_WINDOW = envint("ATTUNE_LISTEN_RATE_WINDOW", 10)
# `import` submissions stored at once, site-wide on PostgreSQL and in each web
# process (music/listening/submission.py, music/views/listen_api.py).
ATTUNE_LISTEN_IMPORT_SLOTS = envint("ATTUNE_LISTEN_IMPORT_SLOTS", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
