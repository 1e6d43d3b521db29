"""Hand-built journal data for the history and insights tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, Tag
from journal.search import index_note
from mood.models import EmotionWord
from music.models import Artist, Listen, Track


def checkin(
    user: User,
    when: str,
    p: int,
    e: int,
    *,
    zone: str | None = None,
    words: Iterable[EmotionWord] = (),
    tags: Iterable[Tag] = (),
    tracks: Iterable[Track] = (),
    note: str = "",
) -> CheckIn:
    """A check-in at local wall-clock time `when` ("2026-03-29 23:30") in `zone`."""
    zone_name = zone or user.time_zone
    local = dt.datetime.fromisoformat(when).replace(tzinfo=zoneinfo.ZoneInfo(zone_name))
    item = CheckIn(
        user=user,
        felt_at=local.astimezone(dt.UTC),
        local_date=local.date(),
        time_zone=zone_name,
        pleasantness=p,
        energy=e,
    )
    if note:
        item.set_note(note)
    item.save()
    if note:
        index_note(item, note)
    item.words.set(list(words))
    item.tags.set(list(tags))
    for position, track in enumerate(tracks):
        CheckInTrack.objects.create(checkin=item, track=track, position=position)
    return item


def word(user: User | None, text: str, p: int, e: int) -> EmotionWord:
    """The word (a shipped one may already be installed by another test)."""
    return EmotionWord.objects.update_or_create(
        user=user, word__iexact=text, defaults={"word": text, "pleasantness": p, "energy": e}
    )[0]


def tag(user: User, name: str) -> Tag:
    return Tag.objects.get_or_create(user=user, name=name)[0]


def track(owner: User, artist: str, title: str, duration_ms: int | None = None) -> Track:
    band = Artist.objects.get_or_create(owner=owner, name=artist, name_key=artist.lower())[0]
    return Track.objects.create(
        owner=owner, artist=band, title=title, title_key=title.lower(), duration_ms=duration_ms
    )


def listen(user: User, song: Track, when: str, minutes: float | None, zone: str = "") -> Listen:
    local = dt.datetime.fromisoformat(when).replace(
        tzinfo=zoneinfo.ZoneInfo(zone or user.time_zone)
    )
    return Listen.objects.create(
        user=user,
        track=song,
        played_at=local.astimezone(dt.UTC),
        ms_played=None if minutes is None else int(minutes * 60000),
        source="test",
    )


def bulk_checkins(
    user: User,
    count: int,
    *,
    start: dt.date = dt.date(2025, 1, 1),
    words: list[EmotionWord] | None = None,
    tags: list[Tag] | None = None,
    tracks: list[Track] | None = None,
) -> None:
    """`count` check-ins, three a day from `start`, each with a word, a tag and a
    track, made with bulk_create so hundreds take a moment."""
    zone = user.zone
    items = []
    for index in range(count):
        day = start + dt.timedelta(days=index // 3)
        local = dt.datetime.combine(day, dt.time(8 + 5 * (index % 3), 15), tzinfo=zone)
        item = CheckIn(
            user=user,
            felt_at=local.astimezone(dt.UTC),
            local_date=day,
            time_zone=user.time_zone,
            pleasantness=(index % 9) - 4,
            energy=((index * 5) % 9) - 4,
        )
        if index % 2:
            item.set_note(f"Entry number {index}, a quiet line about the day.")
        items.append(item)
    created = CheckIn.objects.bulk_create(items)
    if words:
        CheckIn.words.through.objects.bulk_create(
            CheckIn.words.through(checkin_id=c.pk, emotionword_id=words[i % len(words)].pk)
            for i, c in enumerate(created)
        )
    if tags:
        CheckIn.tags.through.objects.bulk_create(
            CheckIn.tags.through(checkin_id=c.pk, tag_id=tags[i % len(tags)].pk)
            for i, c in enumerate(created)
        )
    if tracks:
        CheckInTrack.objects.bulk_create(
            CheckInTrack(checkin=c, track=tracks[i % len(tracks)]) for i, c in enumerate(created)
        )
