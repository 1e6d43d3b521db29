"""The optional daily reminder: at the user's local time, once a day, never on
a day they already checked in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from journal.models import DailyReminder
from journal.reflections.delivery import deliver_reminders
from journal.reflections.schedule import dispatch
from tests.conftest import make_user
from tests.journal.reflection_helpers import checkin

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc,arg-type]


def run_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        result = dispatch()
        deliver_reminders(result.reminders_queued)
    return len(mail.outbox)


@pytest.fixture
def rosa(db: None) -> User:
    return make_user(
        "rosa@example.com",
        time_zone="Europe/Berlin",
        reminder_enabled=True,
        reminder_time=dt.time(20, 0),
        reflection_enabled=False,
    )


def test_it_reminds_once_a_day_at_the_local_time(rosa: User) -> None:
    assert run_at(at(2026, 11, 24, 19, 59)) == 0
    assert run_at(at(2026, 11, 24, 20, 0)) == 1
    assert run_at(at(2026, 11, 24, 20, 15)) == 1
    assert run_at(at(2026, 11, 24, 22, 30)) == 1
    assert run_at(at(2026, 11, 25, 20, 5)) == 2
    message = mail.outbox[0]
    assert message.subject == "A moment for yourself?"
    assert "skipping a day is completely fine" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_skips_a_day_with_a_check_in(rosa: User) -> None:
    checkin(rosa, dt.date(2026, 11, 24), 2, 1, hour=9)
    assert run_at(at(2026, 11, 24, 20, 0)) == 0
    assert not DailyReminder.objects.exists()


def test_it_skips_when_the_check_in_arrives_after_the_reminder_was_queued(rosa: User) -> None:
    with time_machine.travel(at(2026, 11, 24, 20, 0), tick=False):
        queued = dispatch().reminders_queued
        checkin(rosa, dt.date(2026, 11, 24), 2, 1, hour=20)
        deliver_reminders(queued)
    assert mail.outbox == []
    assert DailyReminder.objects.get().skipped


def test_it_does_not_send_a_reminder_hours_late(rosa: User) -> None:
    assert run_at(at(2026, 11, 24, 23, 30)) == 0


def test_it_sends_no_reminder_when_they_are_off(alice: User) -> None:
    assert run_at(at(2026, 11, 24, 20, 30)) == 0
