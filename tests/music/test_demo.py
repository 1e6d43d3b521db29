from __future__ import annotations

import random

from accounts.models import User
from music.demo import finish_music, seed_music
from music.models import FeelSource, Listen, UserTrack


def test_it_seeds_a_library_whose_feel_comes_from_every_source(alice: User) -> None:
    from journal.demo import seed_journal

    rng = random.Random(3)
    tracks = seed_music(alice, rng, days=20)
    seed_journal(alice, rng, days=20, tracks=tracks)
    finish_music(alice, tracks)
    assert Listen.objects.filter(user=alice).count() > 80
    sources = set(UserTrack.objects.filter(user=alice).values_list("feel_source", flat=True))
    assert {FeelSource.RATING, FeelSource.CHECKINS, FeelSource.TAGS} <= sources
    assert UserTrack.objects.filter(user=alice, play_count__gt=0).count() > 20
    assert not UserTrack.objects.filter(user=alice, feel_pleasantness__isnull=True).exists()
