"""QUALITY 11: the weekly email goes out at the user's own local time, once,
in every kind of time zone, through DST weeks and zone changes.

The dispatcher runs in UTC; these tests freeze the clock with time_machine,
run it, and deliver what it queued (the worker's job) in-process.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.delivery import deliver_reflections
from journal.reflections.schedule import dispatch, due_week
from journal.reflections.stats import compute_week_stats
from journal.reflections.weeks import week_bounds_utc
from tests.conftest import make_user
from tests.journal.reflection_helpers import checkin, listen, track

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def person(zone: str, joined: dt.date = dt.date(2026, 11, 16), **extra: object) -> User:
    """A user who joined on `joined` (noon UTC): their first reflection is
    about the week that holds that day."""
    return make_user(
        f"{zone.replace('/', '.').lower()}@example.com",
        time_zone=zone,
        date_joined=dt.datetime.combine(joined, dt.time(12), tzinfo=UTC),
        **extra,
    )


def run_at(moment: dt.datetime) -> int:
    """Run the dispatcher at `moment`, deliver what it queued; emails so far."""
    with time_machine.travel(moment, tick=False):
        result = dispatch()
        if result.queued:
            deliver_reflections(result.queued)
    return len(mail.outbox)


def local(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))  # type: ignore[misc,arg-type]


ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/New_York",
    "Europe/Berlin",
]


@pytest.mark.parametrize("zone", ZONES)
def test_it_sends_nothing_before_the_local_time_and_exactly_one_after(zone: str) -> None:
    user = person(zone)
    monday = (2026, 11, 23)
    assert run_at(local(zone, *monday, 7, 59)) == 0
    assert run_at(local(zone, *monday, 8, 0)) == 1
    assert run_at(local(zone, *monday, 8, 15)) == 1
    assert run_at(local(zone, *monday, 23, 59)) == 1
    assert run_at(local(zone, 2026, 11, 27, 12, 0)) == 1
    reflection = WeeklyReflection.objects.get(user=user)
    assert reflection.week_start == dt.date(2026, 11, 16)
    assert mail.outbox[0].to == [user.email]


@pytest.mark.parametrize(
    ("zone", "monday"),
    [
        ("America/New_York", (2026, 11, 2)),  # clocks went back on Sunday 1 November
        ("Europe/Berlin", (2026, 10, 26)),  # clocks went back on Sunday 25 October
        ("Australia/Lord_Howe", (2026, 10, 5)),  # half an hour forward on 4 October
        ("America/New_York", (2026, 3, 9)),  # clocks went forward on Sunday 8 March
        ("Europe/Berlin", (2026, 3, 30)),  # clocks went forward on Sunday 29 March
    ],
)
def test_it_sends_once_at_the_local_time_after_a_dst_week(
    zone: str, monday: tuple[int, int, int]
) -> None:
    week_start = dt.date(*monday) - dt.timedelta(days=7)
    user = person(zone, joined=week_start)
    assert run_at(local(zone, *monday, 7, 59)) == 0
    assert run_at(local(zone, *monday, 8, 0)) == 1
    assert run_at(local(zone, *monday, 9, 0)) == 1
    assert WeeklyReflection.objects.get(user=user).week_start == week_start


def test_it_sends_a_time_in_the_spring_forward_gap_just_after_the_gap() -> None:
    # 02:30 on Sunday 8 March 2026 never happens in New York.
    user = person(
        "America/New_York",
        joined=dt.date(2026, 2, 23),
        reflection_weekday=6,
        reflection_time=dt.time(2, 30),
    )
    assert run_at(dt.datetime(2026, 3, 8, 6, 59, tzinfo=UTC)) == 0  # 01:59 EST
    assert run_at(dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)) == 1  # 03:30 EDT
    assert run_at(dt.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)) == 1
    assert WeeklyReflection.objects.get(user=user).week_start == dt.date(2026, 2, 23)


def test_it_sends_the_repeated_autumn_hour_only_once() -> None:
    # 01:30 on Sunday 1 November 2026 happens twice in New York.
    person(
        "America/New_York",
        joined=dt.date(2026, 10, 19),
        reflection_weekday=6,
        reflection_time=dt.time(1, 30),
    )
    assert run_at(dt.datetime(2026, 11, 1, 5, 29, tzinfo=UTC)) == 0  # 01:29 EDT
    assert run_at(dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)) == 1  # 01:30 EDT
    assert run_at(dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)) == 1  # 01:30 EST, again


def test_a_dst_week_covers_seven_local_days() -> None:
    zone = "America/New_York"
    week = dt.date(2026, 10, 26)
    user = person(zone, joined=week)
    start, end = week_bounds_utc(week, zoneinfo.ZoneInfo(zone))
    assert end - start == dt.timedelta(days=7, hours=1)
    song = track(user, "Clock Change")
    listen(user, song, local(zone, 2026, 10, 25, 23, 50))  # Sunday before: out
    listen(user, song, local(zone, 2026, 10, 26, 0, 10))  # Monday just after midnight: in
    listen(user, song, local(zone, 2026, 11, 1, 23, 50))  # Sunday of the change, late: in
    listen(user, song, local(zone, 2026, 11, 2, 0, 10))  # next Monday: out
    # A check-in at 23:30 local on the day the clocks changed belongs to that day.
    late = checkin(user, dt.date(2026, 11, 1), 1, 1, hour=23, minute=30)
    assert late.felt_at == dt.datetime(2026, 11, 2, 4, 30, tzinfo=UTC)
    checkin(user, dt.date(2026, 10, 26), 2, 2, hour=0, minute=5)
    stats = compute_week_stats([(user, week)])[(user.pk, week)]
    assert stats.listens == 2
    assert stats.count == 2
    assert stats.days == 2


def test_one_chunk_bounds_each_users_listens_by_their_own_zone(
    django_assert_max_num_queries: object,
) -> None:
    """Users in many zones share one set of queries, yet each user's week of
    listens starts and ends at their own local midnight."""
    week = dt.date(2026, 11, 16)
    zones = ["Pacific/Kiritimati", "Asia/Kathmandu", "Europe/Berlin", "America/New_York"]
    users = [person(zone, joined=week) for zone in zones]
    for user, zone in zip(users, zones, strict=True):
        song = track(user, "Midnight")
        listen(user, song, local(zone, 2026, 11, 15, 23, 50))  # Sunday before: out
        listen(user, song, local(zone, 2026, 11, 16, 0, 10))  # Monday: in
        listen(user, song, local(zone, 2026, 11, 22, 23, 50))  # Sunday: in
        listen(user, song, local(zone, 2026, 11, 23, 0, 10))  # next Monday: out
    one_zone = compute_week_stats([(users[0], week)])
    # 12: the songs heard around the week's check-ins are one more query per chunk.
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        stats = compute_week_stats([(user, week) for user in users])
    assert [stats[(u.pk, week)].listens for u in users] == [2, 2, 2, 2]
    assert [stats[(u.pk, week)].listen_minutes for u in users] == [7, 7, 7, 7]
    assert one_zone[(users[0].pk, week)].listens == 2


def test_a_user_who_moves_west_mid_week_still_gets_exactly_one() -> None:
    user = person("Asia/Kathmandu")
    assert run_at(local("Asia/Kathmandu", 2026, 11, 23, 8, 0)) == 1
    User.objects.filter(pk=user.pk).update(time_zone="Pacific/Pago_Pago")
    moment = dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    while moment < dt.datetime(2026, 11, 30, 18, 0, tzinfo=UTC):
        assert run_at(moment) == 1
        moment += dt.timedelta(hours=6)
    # The next week's email comes at 08:00 in the new zone.
    assert run_at(local("Pacific/Pago_Pago", 2026, 11, 30, 8, 0)) == 2
    weeks = sorted(WeeklyReflection.objects.filter(user=user).values_list("week_start", flat=True))
    assert weeks == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]


def test_a_user_who_moves_east_before_sending_gets_exactly_one() -> None:
    user = person("Pacific/Pago_Pago")
    # Sunday 22 November 08:00 in Pago Pago: not due yet there.
    assert run_at(local("Pacific/Pago_Pago", 2026, 11, 22, 8, 0)) == 0
    User.objects.filter(pk=user.pk).update(time_zone="Pacific/Kiritimati")
    # Same instant is Monday 23 November 09:00 in Kiritimati: due now.
    assert run_at(local("Pacific/Pago_Pago", 2026, 11, 22, 8, 1)) == 1
    assert run_at(local("Pacific/Pago_Pago", 2026, 11, 23, 8, 0)) == 1
    assert run_at(local("Pacific/Pago_Pago", 2026, 11, 24, 8, 0)) == 1


def test_it_catches_up_only_the_latest_missed_week_after_downtime() -> None:
    user = person("Europe/Berlin", joined=dt.date(2026, 1, 5))
    # Nothing ran for three weeks.
    assert run_at(local("Europe/Berlin", 2026, 12, 9, 12, 0)) == 1
    assert WeeklyReflection.objects.get(user=user).week_start == dt.date(2026, 11, 30)


def test_it_sends_nothing_about_a_week_before_the_user_joined() -> None:
    user = person("Europe/Berlin")
    User.objects.filter(pk=user.pk).update(date_joined=dt.datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    user.refresh_from_db()
    assert due_week(user, local("Europe/Berlin", 2026, 11, 23, 9, 0)) is None
    assert run_at(local("Europe/Berlin", 2026, 11, 23, 9, 0)) == 0


def test_the_command_dry_run_says_who_would_get_what_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    person("Europe/Berlin")
    call_command("send_reflections", "--now", "2026-11-23T09:00:00+01:00", "--dry-run")
    out = capsys.readouterr().out
    assert "reflection  europe.berlin@example.com  week of 2026-11-16" in out
    assert "Nothing was changed" in out
    assert not WeeklyReflection.objects.exists()


def test_the_command_with_now_creates_the_due_reflections(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = person("Europe/Berlin")
    call_command("send_reflections", "--now", "2026-11-23T09:00:00+01:00")
    assert "1 user(s) due; 1 reflection(s)" in capsys.readouterr().out
    assert WeeklyReflection.objects.get(user=user).status == WeeklyReflection.Status.PENDING


def test_a_new_account_with_an_imported_history_gets_its_first_reflection() -> None:
    user = person("Europe/Berlin", joined=dt.date(2026, 12, 1))
    assert run_at(local("Europe/Berlin", 2026, 12, 2, 9, 0)) == 0
    checkin(user, dt.date(2026, 11, 25), 1, 1)  # imported from another app
    assert run_at(local("Europe/Berlin", 2026, 12, 2, 9, 15)) == 1
    assert WeeklyReflection.objects.get(user=user).week_start == dt.date(2026, 11, 23)


def test_turning_the_email_off_keeps_the_in_app_reflection() -> None:
    # Issue 18: unsubscribing from the email used to stop the reflection itself.
    person("Europe/Berlin", reflection_enabled=False)
    assert run_at(local("Europe/Berlin", 2026, 11, 23, 9, 0)) == 0  # no email
    reflection = WeeklyReflection.objects.get()
    assert reflection.week_start == dt.date(2026, 11, 16)
    assert reflection.status == WeeklyReflection.Status.SKIPPED  # "Not emailed", shown in-app


def test_no_reflection_email_before_the_first_full_week() -> None:
    """Issue 18: an account minutes old got a "quiet week" email."""
    user = person("Europe/Berlin", joined=dt.date(2026, 11, 19))  # a Thursday
    assert run_at(local("Europe/Berlin", 2026, 11, 23, 9, 0)) == 0
    first = WeeklyReflection.objects.get(user=user)
    assert (first.week_start, first.status) == (
        dt.date(2026, 11, 16),
        WeeklyReflection.Status.SKIPPED,
    )
    # The first full week is emailed.
    assert run_at(local("Europe/Berlin", 2026, 11, 30, 9, 0)) == 1


def test_an_imported_history_makes_the_first_week_full() -> None:
    user = person("Europe/Berlin", joined=dt.date(2026, 11, 19))
    checkin(user, dt.date(2026, 11, 2), 1, 1)  # imported from another app
    assert run_at(local("Europe/Berlin", 2026, 11, 23, 9, 0)) == 1
