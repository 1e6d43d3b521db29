"""The demo account's journal: about three months of check-ins that feel lived in."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, EmotionWord, Tag
from music.models import Track

NOTES = [
    "Slow morning. Tea and the window.",
    "Long day at work, but a good talk with Sam at lunch.",
    "Couldn't sleep. Put on something quiet and it helped a bit.",
    "Choir tonight! Singing with everyone lifted me.",
    "Walked by the river with headphones on.",
    "Felt lonely this evening. Called Mum.",
    "Deadline stress. Played loud music and tidied the flat.",
    "Played piano for half an hour. Hands remembered more than I expected.",
    "Danced in the kitchen while cooking.",
    "Quiet Sunday, read a book, listened to an old album.",
]


def seed_journal(user: User, rng: random.Random, *, days: int, tracks: list[Track]) -> None:
    zone = user.zone
    tags = list(Tag.objects.filter(user=user))
    words = list(EmotionWord.objects.filter(user__isnull=True))
    today = timezone.now().astimezone(zone).date()
    p, e = 1.0, 0.0
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        if rng.random() < 0.12:
            continue  # a day without a check-in: perfectly fine
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            p = max(-4.0, min(4.0, p * 0.7 + rng.gauss(0.8, 1.6)))
            e = max(-4.0, min(4.0, e * 0.6 + rng.gauss(0, 1.6)))
            local = dt.datetime.combine(
                day, dt.time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=zone
            )
            checkin = CheckIn(
                user=user,
                felt_at=local.astimezone(dt.UTC),
                local_date=day,
                time_zone=user.time_zone,
                pleasantness=round(p),
                energy=round(e),
            )
            if rng.random() < 0.35:
                checkin.set_note(rng.choice(NOTES))
            checkin.save()
            near = sorted(
                words,
                key=lambda w: (
                    (w.pleasantness - checkin.pleasantness) ** 2 + (w.energy - checkin.energy) ** 2
                ),
            )[:6]
            if near:
                checkin.words.set(rng.sample(near, k=min(len(near), rng.randint(0, 2))))
            if tags:
                checkin.tags.set(rng.sample(tags, k=rng.randint(0, 3)))
            if tracks and rng.random() < 0.5:
                track = rng.choice(tracks)
                CheckInTrack.objects.create(checkin=checkin, track=track)
