"""The benchmark's generated music follows the catalogue's rule: every track
and artist is one user's own (bench/generate.py, docs/catalogue-per-user.md)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import F

from accounts.models import User
from bench.generate import fill_history, make_library, week_users
from music.models import Listen, Track

pytestmark = pytest.mark.django_db


def test_each_user_gets_a_library_of_their_own(alice: User, bob: User) -> None:
    rng = random.Random(1)
    alices = make_library(alice, 16, rng, prefix="tiny")
    bobs = make_library(bob, 8, rng, prefix="tiny")
    assert set(Track.objects.filter(owner=alice).values_list("pk", flat=True)) == set(alices)
    assert set(Track.objects.filter(owner=bob).values_list("pk", flat=True)) == set(bobs)
    assert not Track.objects.exclude(artist__owner_id=F("owner_id")).exists()
    fill_history(alice, days=2, track_ids=alices, rng=rng, listens_per_day=3)
    assert Listen.objects.filter(user=alice).exclude(track__owner=alice).count() == 0
    assert Listen.objects.filter(user=alice).exists()


def test_week_users_listen_to_their_own_songs(db: None) -> None:
    week_users(3, dt.date(2026, 3, 2), random.Random(2), tracks_per_user=4)
    users = User.objects.filter(email__endswith="@bench.example")
    assert users.count() == 3
    for user in users:
        assert Track.objects.filter(owner=user).count() == 4
        assert Listen.objects.filter(user=user).count() == 10
        assert not Listen.objects.filter(user=user).exclude(track__owner=user).exists()
