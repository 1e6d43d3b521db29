from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from accounts.onboarding import welcome

PASSWORD = "a calm river 42"

# `make test` (and so CI) fuzzes with examples fixed by each test's source, so
# a red build means a change broke something, never that the dice rolled a
# new case that day. `make fuzz` explores fresh random examples; what it finds
# goes back into the tests as an @example.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)


def make_user(email: str, **extra: object) -> User:
    user = User.objects.create_user(email, PASSWORD, **extra)
    welcome(user)
    return user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database is kept between runs (--reuse-db). The browser tests
    flush it (which restarts the sequences) and put the migration data back
    with its old ids (tests/e2e/conftest.py), so the next run's first insert
    would collide with an existing id. Move every sequence past its table's
    highest id once a session."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@example.com", display_name="Alice", time_zone="Europe/Berlin")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@example.com", display_name="Bob", time_zone="America/New_York")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def redis_broker(settings: object) -> Iterator[str]:
    """The test Redis database, emptied before and after."""
    import redis
    from django.conf import settings as django_settings

    url = django_settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
