"""EmotionWord moved from journal to mood (mood 0001, journal 0004) with its
table: words written before the move, and the check-ins that use them, are all
still there after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from journal.models import CheckIn
from mood.models import EmotionWord
from mood.vocabulary import install_vocabulary

OLD_JOURNAL = ("journal", "0003_reflections_delivery")
BEFORE: list[tuple[str, str | None]] = [OLD_JOURNAL, ("mood", None)]
MOVE = ("journal", "0004_emotionword_to_mood")


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db
def test_it_keeps_words_and_checkin_links_through_the_move(alice: User) -> None:
    old = migrate(BEFORE).loader.project_state(OLD_JOURNAL).apps
    OldWord = old.get_model("journal", "EmotionWord")
    OldCheckIn = old.get_model("journal", "CheckIn")
    install_vocabulary(OldWord)  # other tests may have flushed the migration's rows
    shipped_before = OldWord.objects.filter(user__isnull=True).count()
    own = OldWord.objects.create(user_id=alice.pk, word="floaty", pleasantness=2, energy=-1)
    felt_at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    checkin = OldCheckIn.objects.create(
        user_id=alice.pk,
        felt_at=felt_at,
        local_date=felt_at.date(),
        time_zone="UTC",
        pleasantness=2,
        energy=-1,
    )
    calm = OldWord.objects.get(user__isnull=True, word="calm")
    checkin.words.add(own, calm)

    # Forward to the latest state (the move and every migration after it), as
    # the rest of the suite expects the database to be. A later migration
    # alters journal_checkin, which PostgreSQL refuses while the rows above
    # still have deferred constraint checks pending in this transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert MOVE in MigrationExecutor(connection).loader.graph.forwards_plan(
        next(node for node in latest if node[0] == "journal")
    )
    migrate(latest)  # type: ignore[arg-type]

    assert EmotionWord.objects.filter(user__isnull=True).count() == shipped_before > 100
    moved = CheckIn.objects.get(pk=checkin.pk)
    assert sorted(moved.words.values_list("word", flat=True)) == ["calm", "floaty"]
    assert EmotionWord.objects.get(pk=own.pk).checkins.get() == moved
    assert EmotionWord._meta.db_table == "journal_emotionword"
