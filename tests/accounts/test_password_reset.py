from __future__ import annotations

import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from accounts.models import User
from config.celery import app
from tests.conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_reset_email_through_a_real_worker(redis_broker: str) -> None:
    make_user("alice@example.com")
    client = Client()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
        assert response.status_code == 302
        deadline = time.monotonic() + 15
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body)
    assert link, body
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "a new tune 2026", "new_password2": "a new tune 2026"}
    )
    assert done.status_code == 302
    assert User.objects.get(email="alice@example.com").check_password("a new tune 2026")


@pytest.mark.django_db(transaction=True)
def test_it_says_the_same_for_an_unknown_email(redis_broker: str) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_sends_what_the_broker_missed_and_drops_the_stale(redis_broker: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from accounts import outbox
    from accounts.models import AccountEmail

    alice = make_user("alice@example.com")
    kind = AccountEmail.Kind.PASSWORD_RESET
    missed = AccountEmail.objects.create(user=alice, kind=kind, domain="testserver")
    stale = AccountEmail.objects.create(user=alice, kind=kind, domain="testserver")
    AccountEmail.objects.filter(pk=missed.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=2)
    )
    AccountEmail.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert outbox.sweep() == 1
        deadline = time.monotonic() + 15
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(mail.outbox) == 1
    assert not AccountEmail.objects.exists()
    assert outbox.deliver(missed.pk) is False  # a redelivered task sends nothing twice
