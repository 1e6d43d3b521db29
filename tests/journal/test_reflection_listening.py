"""The weekly reflection's music section includes the listening context: the
songs playing in the half hour before the week's check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.build import ensure_content
from journal.reflections.content import ReflectionContent
from journal.reflections.emails import render_reflection_email
from tests.journal.reflection_helpers import WEEK, checkin, days, listen, track

pytestmark = pytest.mark.django_db


def content_for(user: User) -> dict[str, Any]:
    return ensure_content(WeeklyReflection.objects.create(user=user, week_start=WEEK))


def test_it_lists_the_songs_playing_around_the_weeks_checkins(alice: User) -> None:
    around, added, late = (track(alice, t) for t in ("Teardrop", "Lovely Day", "Too Late"))
    zone = alice.zone
    for day in days()[:3]:
        checkin(alice, day, 2, 1, hour=20, track=added if day == days()[0] else None)
        listen(alice, around, dt.datetime.combine(day, dt.time(19, 45), tzinfo=zone))
        # After the check-in: not around it.
        listen(alice, late, dt.datetime.combine(day, dt.time(20, 10), tzinfo=zone))
    listen(alice, added, dt.datetime.combine(days()[0], dt.time(19, 50), tzinfo=zone))
    content = content_for(alice)
    heard = content["music"]["heard_around"]
    assert [(t["title"], t["plays"]) for t in heard] == [("Teardrop", 3)]  # added songs apart
    parsed = ReflectionContent.from_stored(content)
    assert parsed.music.heard_around[0].title == "Teardrop"


def test_older_stored_content_without_it_still_reads() -> None:
    stored = ReflectionContent.from_stored(
        {"week_start": "2026-11-16", "music": {"top_tracks": [], "listens": 0, "minutes": 0}}
    )
    assert stored.music.heard_around == []


def test_the_page_and_email_show_it(alice: User, alice_client: Any) -> None:
    song = track(alice, "Teardrop")
    checkin(alice, days()[1], 1, 1, hour=9)
    listen(alice, song, dt.datetime.combine(days()[1], dt.time(8, 50), tzinfo=alice.zone))
    reflection = WeeklyReflection.objects.create(user=alice, week_start=WEEK)
    ensure_content(reflection)
    page = alice_client.get(f"/reflections/{reflection.pk}/").content.decode()
    assert "Playing around your check-ins" in page
    assert "(in the half hour before 1 check-in)" in page
    reflection.refresh_from_db()
    message = render_reflection_email(reflection)
    message.send()
    body = mail.outbox[-1].body
    assert "Playing around your check-ins:" in body and "Teardrop" in body
