"""Reminders are due at their times (or a steady random moment in a window),
never in quiet hours, never for a part of the day already checked in, once per
user and slot however often the dispatcher runs; after a long listening
session, one nudge a day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.core import mail

from accounts.models import User
from journal import checkins
from mood.values import Mood
from music.catalogue import TrackInfo, get_or_create_track
from music.models import Listen
from reminders import delivery
from reminders.dispatch import dispatch
from reminders.models import ReminderPlan, ReminderSend, ReminderTime
from reminders.schedule import due_moment, part_of_day, session_end

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
Status = ReminderSend.Status


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN).astimezone(dt.UTC)


def berlin_user(user: User, **plan: object) -> ReminderPlan:
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    return ReminderPlan.objects.create(user=user, **{"by_email": True, **plan})


def run(now: dt.datetime) -> list[ReminderSend]:
    with time_machine.travel(now, tick=False):
        ids = dispatch(now)
        delivery.deliver_reminders(ids)
    return list(ReminderSend.objects.order_by("pk"))


def test_a_window_gives_a_steady_moment_that_changes_day_to_day() -> None:
    day = dt.date(2026, 3, 2)
    moments = {
        due_moment(7, "t1", day + dt.timedelta(days=n), dt.time(18), dt.time(21), BERLIN)
        for n in range(10)
    }
    assert len(moments) > 5
    for moment in moments:
        local = moment.astimezone(BERLIN)
        assert dt.time(18) <= local.time() < dt.time(21)
    assert due_moment(7, "t1", day, dt.time(18), dt.time(21), BERLIN) == due_moment(
        7, "t1", day, dt.time(18), dt.time(21), BERLIN
    )


def test_quiet_hours_wrap_midnight() -> None:
    plan = ReminderPlan(quiet_start=dt.time(22), quiet_end=dt.time(7))
    assert plan.is_quiet(dt.time(23, 30)) and plan.is_quiet(dt.time(6, 59))
    assert not plan.is_quiet(dt.time(7)) and not plan.is_quiet(dt.time(21, 59))
    assert part_of_day(dt.time(8)) == "morning" and part_of_day(dt.time(23)) == "night"


def test_it_sends_one_reminder_per_slot_however_often_it_runs(alice: User) -> None:
    berlin_user(alice)
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    assert run(at("2026-03-02T19:59")) == []
    for minute in ("20:00", "20:05", "20:05", "21:30"):
        run(at(f"2026-03-02T{minute}"))
    (send,) = ReminderSend.objects.all()
    assert send.status == Status.SENT and send.local_date == dt.date(2026, 3, 2)
    assert len(mail.outbox) == 1
    assert "how are you feeling right now" in mail.outbox[0].body
    assert "missed" not in mail.outbox[0].body.lower()
    # The next day is its own slot; three hours late is too late (no flood).
    run(at("2026-03-03T23:30"))
    assert ReminderSend.objects.count() == 1


# The old daily reminder email's cases (tests/journal/test_reflection_reminders.py
# before issue 18 folded it in): once a day at the local time, skipped after a
# check-in, never hours late, nothing when off.


def test_it_reminds_once_a_day_at_the_local_time(alice: User) -> None:
    berlin_user(alice)
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    for moment in ("03-02T19:59", "03-02T20:00", "03-02T20:15", "03-02T21:55", "03-03T20:05"):
        run(at(f"2026-{moment}"))
    sends = ReminderSend.objects.order_by("local_date")
    assert [(s.local_date, s.status) for s in sends] == [
        (dt.date(2026, 3, 2), Status.SENT),
        (dt.date(2026, 3, 3), Status.SENT),
    ]
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "A moment for yourself?"
    assert "skipping is completely fine" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_skips_when_the_check_in_arrives_after_the_reminder_was_queued(alice: User) -> None:
    berlin_user(alice)
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    with time_machine.travel(at("2026-03-02T20:00"), tick=False):
        queued = dispatch(at("2026-03-02T20:00"))
        checkins.record_checkin(alice, Mood(-1, -2))
        delivery.deliver_reminders(queued)
    assert mail.outbox == []
    send = ReminderSend.objects.get()
    assert (send.status, send.detail) == (Status.SKIPPED, "Already checked in this evening.")


def test_it_never_sends_a_reminder_hours_late(alice: User) -> None:
    berlin_user(alice)
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    assert run(at("2026-03-02T22:30")) == []
    # Queued at 20:00, then the workers were down until 22:30: dropped, no flood.
    with time_machine.travel(at("2026-03-03T20:00"), tick=False):
        assert len(dispatch(at("2026-03-03T20:00"))) == 1
    (late,) = run(at("2026-03-03T22:30"))
    assert (late.status, late.attempts) == (Status.PENDING, 0)
    assert mail.outbox == []


def test_it_sends_nothing_when_email_reminders_are_off(alice: User) -> None:
    berlin_user(alice, by_email=False)
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    assert run(at("2026-03-02T20:00")) == []
    assert mail.outbox == []


def test_it_skips_a_part_of_the_day_already_checked_in(alice: User) -> None:
    berlin_user(alice)
    ReminderTime.objects.create(user=alice, at=dt.time(8, 30))
    ReminderTime.objects.create(user=alice, at=dt.time(20))
    with time_machine.travel(at("2026-03-02T07:45"), tick=False):
        checkins.record_checkin(alice, Mood(1, 1))
    run(at("2026-03-02T08:30"))
    run(at("2026-03-02T20:00"))
    morning, evening = ReminderSend.objects.order_by("due_at")
    assert (morning.status, morning.detail) == (Status.SKIPPED, "Already checked in this morning.")
    assert evening.status == Status.SENT
    assert len(mail.outbox) == 1


def test_it_never_sends_in_quiet_hours(alice: User) -> None:
    berlin_user(alice, quiet_start=dt.time(22), quiet_end=dt.time(7))
    ReminderTime.objects.create(user=alice, at=dt.time(22, 30))
    (send,) = run(at("2026-03-02T22:30"))
    assert (send.status, send.detail) == (Status.SKIPPED, "Quiet hours.")
    assert mail.outbox == []


def test_it_sends_nothing_to_someone_with_nowhere_to_send(alice: User) -> None:
    ReminderPlan.objects.create(user=alice)
    ReminderTime.objects.create(user=alice, at=dt.time(9))
    assert run(at("2026-03-02T10:00")) == []


def listen(user: User, start: dt.datetime, minutes: int) -> None:
    track = get_or_create_track(TrackInfo(artist="Fairuz", title=f"Song {start:%H%M}"), user)
    Listen.objects.create(
        user=user, track=track, played_at=start, ms_played=minutes * 60_000, source="test"
    )


def test_a_long_listening_session_earns_one_gentle_nudge_a_day(alice: User) -> None:
    berlin_user(alice, after_listening=True)
    for offset in range(0, 28, 4):  # 28 minutes of music, gaps under ten minutes
        listen(alice, at("2026-03-02T16:00") + dt.timedelta(minutes=offset), 4)
    run(at("2026-03-02T16:20"))  # still playing
    assert ReminderSend.objects.count() == 0
    run(at("2026-03-02T16:40"))
    (send,) = ReminderSend.objects.all()
    assert send.slot == ReminderSend.LISTENING and send.status == Status.SENT
    assert "How are you feeling after that music?" in mail.outbox[0].body
    for offset in range(0, 28, 4):  # a second session the same day: no second nudge
        listen(alice, at("2026-03-02T19:00") + dt.timedelta(minutes=offset), 4)
    run(at("2026-03-02T19:40"))
    assert ReminderSend.objects.count() == 1 and len(mail.outbox) == 1


def test_short_sessions_and_quiet_hours_earn_no_nudge(alice: User) -> None:
    berlin_user(alice, after_listening=True, quiet_start=dt.time(22), quiet_end=dt.time(7))
    listen(alice, at("2026-03-02T16:00"), 12)
    run(at("2026-03-02T16:25"))
    for offset in range(0, 28, 4):
        listen(alice, at("2026-03-02T22:10") + dt.timedelta(minutes=offset), 4)
    run(at("2026-03-02T22:50"))
    assert ReminderSend.objects.count() == 0


def test_session_end_needs_the_long_session_to_be_the_latest() -> None:
    start = dt.datetime(2026, 3, 2, 16, tzinfo=dt.UTC)
    long = [(start + dt.timedelta(minutes=m), 240_000) for m in range(0, 24, 4)]
    assert session_end(long, start + dt.timedelta(hours=1)) == start + dt.timedelta(minutes=24)
    later = [*long, (start + dt.timedelta(minutes=50), 60_000)]
    assert session_end(later, start + dt.timedelta(hours=1)) is None
