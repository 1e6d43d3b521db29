"""`/healthz`: is the database reachable, and is the Celery broker?"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A dropped connection (PostgreSQL restarted) must not stay broken.
        connection.close()
        return False
    return True


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "broker": broker_ok()}
    status = 200 if all(checks.values()) else 503
    body = {"status": "ok" if status == 200 else "degraded"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=status)
