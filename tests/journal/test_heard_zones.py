""" "Heard around then" at both ends of the clock: the window join's listens
are bounded by the instants the asked-for local dates can cover
(journal/listening.py); on PostgreSQL, and on the embedded SQLite default,
where they are compared as SQLite stores them (text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_embedded import embedded_env, manage

HEARD = """
import datetime as dt
from zoneinfo import ZoneInfo
from accounts.models import User
from journal.checkins import create_checkin
from journal.listening import heard
from mood.values import Mood
from music.catalogue import TrackInfo, get_or_create_track
from music.models import Listen
for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
    user = User.objects.create_user(f"{zone}@example.com", "a calm river 42", time_zone=zone)
    # The week's first minutes in Kiritimati (UTC+14: the day before in UTC)
    # and its last in Pago Pago (UTC-11: the day after in UTC).
    first = zone.endswith("Kiritimati")
    day, at = (23, dt.time(0, 20)) if first else (29, dt.time(23, 50))
    felt = dt.datetime.combine(dt.date(2026, 11, day), at, tzinfo=ZoneInfo(zone))
    create_checkin(user, Mood(2, 1), felt_at=felt)
    for title, minutes in (("inside", -10), ("too early", -40), ("after", 1)):
        track = get_or_create_track(TrackInfo("Band", title), user)
        Listen.objects.create(
            user=user, track=track, played_at=felt + dt.timedelta(minutes=minutes), source="x"
        )
    week = heard(user, dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    other = heard(user, dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    print(zone, [h.title for h in week], [h.title for h in other])
"""


EXPECTED = ("Pacific/Kiritimati ['inside'] []", "Pacific/Pago_Pago ['inside'] []")


@pytest.mark.django_db
def test_songs_heard_before_a_check_in_are_found_in_every_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exec(HEARD)  # noqa: S102 - the script above, in this process
    out = capsys.readouterr().out
    assert all(line in out for line in EXPECTED), out


@pytest.mark.slow
def test_songs_heard_before_a_check_in_are_found_on_sqlite(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    manage(env, "migrate", "-v0")
    out = manage(env, "shell", "-c", HEARD)
    assert all(line in out for line in EXPECTED), out
