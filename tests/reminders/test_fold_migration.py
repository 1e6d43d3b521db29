"""Issue 18: the old daily reminder email is folded into reminders/. Migration
reminders 0002 gives everyone who had it on email reminders at their old time,
then accounts 0003 drops the old fields and journal 0008 the old log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from tests.conftest import make_user

BEFORE = [("accounts", "0003_sessions_throttles_invitations"), ("reminders", "0001_initial")]
FOLD = ("reminders", "0002_fold_daily_reminder")


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def column_exists(table: str, column: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [table, column],
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_old_daily_reminder_becomes_email_reminders_at_the_same_time() -> None:
    from reminders.models import ReminderPlan, ReminderTime

    rosa = make_user("rosa@example.com")  # the old reminder on, nothing set up here yet
    ines = make_user("ines@example.com")  # on, and push reminders at the same time already
    omar = make_user("omar@example.com")  # on, and email reminders at another time already
    noor = make_user("noor@example.com")  # the old reminder off
    ReminderPlan.objects.create(user=ines, by_push=True)
    ReminderTime.objects.create(user=ines, at=dt.time(20))
    ReminderPlan.objects.create(user=omar, by_email=True, quiet_start=dt.time(22))
    ReminderTime.objects.create(user=omar, at=dt.time(8))
    migrate(BEFORE)
    try:
        assert column_exists("accounts_user", "reminder_enabled")
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldUser = old.get_model("accounts", "User")
        for user, at, on in (
            (rosa, dt.time(7, 30), True),
            (ines, dt.time(20), True),
            (omar, dt.time(21, 15), True),
            (noor, dt.time(9), False),
        ):
            OldUser.objects.filter(pk=user.pk).update(reminder_enabled=on, reminder_time=at)
        assert FOLD in MigrationExecutor(connection).loader.graph.forwards_plan(
            ("accounts", "0004_remove_user_reminder_fields")
        )
    finally:
        migrate(latest())

    def times(user: User) -> list[dt.time]:
        return list(ReminderTime.objects.filter(user=user).values_list("at", flat=True))

    plan = ReminderPlan.objects.get(user=rosa)
    assert plan.by_email and not plan.by_push and not plan.apprise_list
    assert times(rosa) == [dt.time(7, 30)]
    plan = ReminderPlan.objects.get(user=ines)
    assert plan.by_email and plan.by_push  # email switched on, push kept
    assert times(ines) == [dt.time(20)]  # no second reminder at the same time
    plan = ReminderPlan.objects.get(user=omar)
    assert plan.by_email and plan.quiet_start == dt.time(22)  # the rest untouched
    assert times(omar) == [dt.time(8), dt.time(21, 15)]
    assert not ReminderPlan.objects.filter(user=noor).exists()
    assert times(noor) == []
    # The old path is gone: its settings and its log.
    assert not column_exists("accounts_user", "reminder_enabled")
    assert not column_exists("accounts_user", "reminder_time")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_name = 'journal_dailyreminder'"
        )
        assert cursor.fetchone()[0] == 0
