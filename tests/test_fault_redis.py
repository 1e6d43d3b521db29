"""QUALITY.md 12: with the broker down the web process still answers quickly and
reports it; work queued while it was down runs when it returns."""

from __future__ import annotations

import time

import pytest

from config.celery import app
from config.queue import send_now
from tests.faults import private_redis, use_broker


@pytest.fixture
def broker_switch():  # type: ignore[no-untyped-def]
    old = app.conf.broker_url
    yield
    use_broker(old)


@pytest.mark.slow
@pytest.mark.django_db
def test_publishing_with_the_broker_down_fails_fast_and_quietly(broker_switch: None) -> None:
    from accounts.tasks import send_password_reset

    with private_redis() as redis:
        use_broker(redis.url)
        assert send_now(send_password_reset, 1, "example.org", True) is True
        redis.stop()
        started = time.monotonic()
        assert send_now(send_password_reset, 1, "example.org", True) is False
        assert time.monotonic() - started < 8


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_password_reset_still_arrives_with_the_broker_down(broker_switch: None) -> None:
    """Issue 19: the reset was logged and dropped. Now the row is written and,
    the broker being unreachable, the request sends the email itself."""
    from django.core import mail
    from django.test import Client

    from accounts.models import AccountEmail
    from tests.conftest import make_user

    make_user("alice@example.com")
    with private_redis() as redis:
        use_broker(redis.url)
        redis.stop()
        started = time.monotonic()
        response = Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
        assert response.status_code == 302
        assert time.monotonic() - started < 10
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in str(mail.outbox[0].body)
    assert not AccountEmail.objects.exists()  # sent, so nothing is left to sweep
