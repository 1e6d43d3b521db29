"""Hand-built weeks for the reflection tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, Tag
from mood.models import EmotionWord
from music.models import Artist, Listen, Track, UserTrack

# A Monday, and the week it starts; the reflection about it is due from the next Monday.
WEEK = dt.date(2026, 11, 16)


def checkin(
    user: User,
    day: dt.date,
    pleasantness: int,
    energy: int,
    *,
    hour: int = 12,
    minute: int = 0,
    words: Sequence[str] = (),
    tags: Sequence[str] = (),
    note: str = "",
    track: Track | None = None,
) -> CheckIn:
    zone = user.zone
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    c = CheckIn(
        user=user,
        felt_at=local.astimezone(dt.UTC),
        local_date=day,
        time_zone=user.time_zone,
        pleasantness=pleasantness,
        energy=energy,
    )
    if note:
        c.set_note(note)
    c.save()
    for word in words:
        w = EmotionWord.objects.filter(word__iexact=word).first()
        if w is None:
            w = EmotionWord.objects.create(
                user=user, word=word, pleasantness=pleasantness, energy=energy
            )
        c.words.add(w)
    for name in tags:
        tag, _ = Tag.objects.get_or_create(user=user, name=name)
        c.tags.add(tag)
    if track is not None:
        CheckInTrack.objects.create(checkin=c, track=track)
    return c


def track(
    owner: User, title: str, artist: str = "The Quiet Hours", *, bpm: float | None = None
) -> Track:
    a, _ = Artist.objects.get_or_create(
        owner=owner, name_key=artist.lower(), defaults={"name": artist}
    )
    t, _ = Track.objects.get_or_create(
        owner=owner, artist=a, title_key=title.lower(), defaults={"title": title, "bpm": bpm}
    )
    return t


def listen(user: User, t: Track, at: dt.datetime, *, ms: int = 200_000) -> Listen:
    UserTrack.objects.update_or_create(
        user=user, track=t, defaults={"play_count": 1, "last_played_at": at}
    )
    return Listen.objects.create(user=user, track=t, played_at=at, ms_played=ms, source="test")


def days(start: dt.date = WEEK) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(7)]
