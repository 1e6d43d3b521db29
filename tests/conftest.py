from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.models import User
from accounts.onboarding import welcome

PASSWORD = "a calm river 42"


def make_user(email: str, **extra: object) -> User:
    user = User.objects.create_user(email, PASSWORD, **extra)
    welcome(user)
    return user


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
