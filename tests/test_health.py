from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_reports_database_and_broker_ok(redis_broker: str) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(settings: object) -> None:
    from config.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        app.pool.force_close_all()
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = old
        app.pool.force_close_all()
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"
