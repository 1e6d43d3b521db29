"""The reflection email and its delivery state, with Django's in-memory outbox
(the real worker and a real SMTP socket are in test_reflection_worker.py)."""

from __future__ import annotations

import datetime as dt
import email.policy
import socket
import time
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.delivery import _deliver_one, claim, deliver_reflections
from journal.reflections.emails import reflection_message_id, unfolded
from tests.conftest import make_user
from tests.journal.reflection_helpers import WEEK, checkin, days
from tests.journal.smtp_sink import Sink, smtp_sink  # noqa: F401

pytestmark = pytest.mark.django_db
Status = WeeklyReflection.Status


def make_week(user: User) -> WeeklyReflection:
    checkin(user, days()[0], 3, 2, words=["hopeful"], note="dinner with my sister")
    checkin(user, days()[3], -3, -2, words=["tired"], note="the bus never came")
    return WeeklyReflection.objects.create(user=user, week_start=WEEK)


def test_it_sends_one_email_with_text_html_and_one_click_unsubscribe(alice: User) -> None:
    reflection = make_week(alice)
    result = deliver_reflections([reflection.pk])
    assert result.sent == [reflection.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Your week in moods and music · 16–22 November 2026"
    assert "You checked in 2 times on 2 days." in message.body
    html = message.alternatives[0].content  # type: ignore[attr-defined]
    assert "<script" not in html.lower()
    assert "<style" not in html.lower()  # inlined
    assert 'style="' in html
    assert "<img" not in html.lower()
    assert message.extra_headers["Message-ID"] == reflection_message_id(reflection)
    assert message.extra_headers["Message-ID"].startswith(f"<reflection-{reflection.pk}-20261116@")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        f"<{settings.SITE_URL}/unsubscribe/"
    )
    assert f"{settings.SITE_URL}/unsubscribe/" in message.body
    # A plain URL on the wire, not folded into RFC 2047 encoded-words.
    raw = message.message().as_bytes()
    assert f"\nList-Unsubscribe: <{settings.SITE_URL}/unsubscribe/".encode() in raw
    assert f"{settings.SITE_URL}/reflections/{reflection.pk}/" in message.body
    reflection.refresh_from_db()
    assert (reflection.status, reflection.attempts) == (Status.SENT, 1)
    assert reflection.sent_at is not None


def test_it_keeps_note_text_out_of_the_email_unless_asked(alice: User) -> None:
    deliver_reflections([make_week(alice).pk])
    message = mail.outbox[0]
    assert "sister" not in message.body
    assert "sister" not in message.alternatives[0].content  # type: ignore[attr-defined]


def test_it_includes_short_note_excerpts_for_a_user_who_opted_in(alice: User) -> None:
    alice.reflection_include_notes = True
    alice.save()
    deliver_reflections([make_week(alice).pk])
    assert '"dinner with my sister"' in mail.outbox[0].body
    assert "the bus never came" in mail.outbox[0].body


def test_it_never_sends_a_reflection_twice(alice: User) -> None:
    reflection = make_week(alice)
    deliver_reflections([reflection.pk])
    deliver_reflections([reflection.pk])
    deliver_reflections([reflection.pk, reflection.pk])
    assert len(mail.outbox) == 1


def test_it_stores_the_reflection_but_sends_nothing_when_the_email_is_off(alice: User) -> None:
    alice.reflection_enabled = False
    alice.save()
    reflection = make_week(alice)
    result = deliver_reflections([reflection.pk])
    assert result.skipped == [reflection.pk]
    assert mail.outbox == []
    reflection.refresh_from_db()
    assert reflection.status == Status.SKIPPED
    assert reflection.content["count"] == 2


def test_it_sends_nothing_for_an_account_deleted_while_queued(alice: User) -> None:
    reflection = make_week(alice)
    alice.delete()
    assert deliver_reflections([reflection.pk]).sent == []
    assert mail.outbox == []


def sink_mailers(sink: Sink) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "journal.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 5},
        }
    }


@override_settings(ATTUNE_REFLECTION_MAX_ATTEMPTS=3)
def test_it_gives_up_after_a_bounded_number_of_attempts_and_says_why(
    alice: User,
    bob: User,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    smtp_sink.refuse.add("alice@example.com")
    poisoned = make_week(alice)
    fine = WeeklyReflection.objects.create(user=bob, week_start=WEEK)
    with override_settings(MAILERS=sink_mailers(smtp_sink)):
        first = deliver_reflections([poisoned.pk, fine.pk])
        assert first.sent == [fine.pk]
        assert first.again == [poisoned.pk]
        deliver_reflections([poisoned.pk])
        last = deliver_reflections([poisoned.pk])
        assert last.failed == [poisoned.pk]
        assert deliver_reflections([poisoned.pk]).again == []
    poisoned.refresh_from_db()
    assert (poisoned.status, poisoned.attempts) == (Status.FAILED, 3)
    assert poisoned.last_error == (
        "Gave up after 3 attempts. The mail server refused the recipient (451)."
    )
    assert smtp_sink.count_by_recipient() == {"bob@example.com": 1}
    header = smtp_sink.messages[0]["List-Unsubscribe"]
    assert header.startswith(f"<{settings.SITE_URL}/unsubscribe/") and "=?" not in header


def test_it_waits_without_spending_attempts_while_the_mail_server_is_down(alice: User) -> None:
    reflection = make_week(alice)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = {
        "default": {
            "BACKEND": "journal.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    with override_settings(MAILERS=down):
        result = deliver_reflections([reflection.pk])
    assert result.again == [reflection.pk]
    reflection.refresh_from_db()
    assert (reflection.status, reflection.attempts) == (Status.PENDING, 0)


@override_settings(ATTUNE_REFLECTION_MAX_ATTEMPTS=2)
def test_it_retries_a_send_stuck_past_its_lease_then_marks_it_failed(alice: User) -> None:
    reflection = make_week(alice)
    past = timezone.now() - dt.timedelta(minutes=1)
    # A worker claimed it and died: still "sending", lease expired.
    WeeklyReflection.objects.filter(pk=reflection.pk).update(
        status=Status.SENDING, attempts=1, lease_until=past
    )
    assert deliver_reflections([reflection.pk]).sent == [reflection.pk]
    assert len(mail.outbox) == 1
    other = WeeklyReflection.objects.create(user=alice, week_start=WEEK - dt.timedelta(days=7))
    WeeklyReflection.objects.filter(pk=other.pk).update(
        status=Status.SENDING, attempts=2, lease_until=past, last_error="worker lost"
    )
    deliver_reflections([other.pk])
    other.refresh_from_db()
    assert other.status == Status.FAILED
    assert other.last_error == "Gave up after 2 attempts. worker lost"
    assert len(mail.outbox) == 1


def test_it_leaves_a_reflection_alone_while_another_worker_holds_its_lease(alice: User) -> None:
    reflection = make_week(alice)
    WeeklyReflection.objects.filter(pk=reflection.pk).update(
        status=Status.SENDING, attempts=1, lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    result = deliver_reflections([reflection.pk])
    assert result.again == [reflection.pk]
    assert result.countdown >= 300
    assert mail.outbox == []


def test_the_commit_point_runs_before_the_server_accepts_the_message(
    smtp_sink: Sink,  # noqa: F811
) -> None:
    message = EmailMultiAlternatives("Hello", "Body", to=["someone@example.com"])
    seen: list[int] = []
    message.commit_point = lambda: seen.append(len(smtp_sink))  # type: ignore[attr-defined]
    with override_settings(MAILERS=sink_mailers(smtp_sink)), mailers.default as connection:
        connection.send_messages([message])
    assert seen == [0]
    assert len(smtp_sink) == 1


def test_a_worker_that_lost_its_claim_sends_nothing(
    alice: User,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    reflection = make_week(alice)
    mine = claim(reflection.pk)
    assert mine is not None
    # Our lease ran out and another worker claimed the reflection meanwhile.
    WeeklyReflection.objects.filter(pk=reflection.pk).update(attempts=F("attempts") + 1)
    with override_settings(MAILERS=sink_mailers(smtp_sink)), mailers.default as connection:
        assert _deliver_one(connection, mine, {}) == "skipped"
        # The connection still works for the next reflection.
        bob_week = WeeklyReflection.objects.create(
            user=alice, week_start=WEEK - dt.timedelta(days=7)
        )
        other = claim(bob_week.pk)
        assert other is not None
        assert _deliver_one(connection, other, {}) == "sent"
    time.sleep(0.2)
    assert len(smtp_sink) == 1
    assert WeeklyReflection.objects.get(pk=reflection.pk).status == Status.SENDING


def test_the_operator_sees_failed_reflections_in_the_admin(alice: User) -> None:
    from django.test import Client

    reflection = WeeklyReflection.objects.create(
        user=alice,
        week_start=WEEK,
        status=Status.FAILED,
        attempts=5,
        last_error="Gave up after 5 attempts. The mail server answered 451.",
    )
    admin = User.objects.create_superuser("ops@example.com", "a calm river 42")
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/journal/weeklyreflection/?status__exact=failed")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@example.com" in html
    assert "Gave up after 5 attempts. The mail server answered 451." in html
    assert client.get(f"/admin/journal/weeklyreflection/{reflection.pk}/change/").status_code == 200


def test_it_builds_the_same_bytes_as_the_stock_header_registry(alice: User) -> None:
    """The caching header registry (journal.reflections.emails.HeaderRegistry) changes only
    the cost of building a message, never a byte of it."""
    reflection = make_week(alice)
    deliver_reflections([reflection.pk])
    message = mail.outbox[0]
    message.extra_headers["Date"] = "Mon, 23 Nov 2026 08:00:00 +0000"
    boundary = "===============0000000000000000000=="

    def wire(policy: Any) -> bytes:
        msg = message.message(policy=policy)
        msg.set_boundary(boundary)
        return msg.as_bytes()

    for base in (email.policy.default, email.policy.SMTP):
        stock = EmailMultiAlternatives.message(message, policy=base.clone(max_line_length=998))
        stock.set_boundary(boundary)
        assert wire(base) == stock.as_bytes()
    registry = unfolded(email.policy.SMTP).header_factory  # type: ignore[attr-defined]
    assert registry["Subject"] is registry["Subject"]


def test_a_bigger_batch_costs_only_a_claim_and_a_mark_sent_per_more_user() -> None:
    """Statistics are set-based, and the content rides on the claim: each
    extra user in a batch adds two statements, however big the batch."""

    def batch(prefix: str, n: int) -> list[int]:
        ids = []
        for i in range(n):
            user = make_user(f"{prefix}{i}@example.com", time_zone=["UTC", "Asia/Tokyo"][i % 2])
            checkin(user, days()[0], 1, 1, words=["calm"], tags=["work"])
            ids.append(WeeklyReflection.objects.create(user=user, week_start=WEEK).pk)
        return ids

    few, many = batch("few", 2), batch("many", 6)
    with CaptureQueriesContext(connection) as small:
        assert len(deliver_reflections(few).sent) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(deliver_reflections(many).sent) == 6
    assert len(large) - len(small) == 2 * (6 - 2)
    stored = WeeklyReflection.objects.filter(pk__in=few + many)
    assert all(r.content["count"] == 1 and r.status == Status.SENT for r in stored)


def test_a_claim_keeps_content_another_attempt_stored_since_the_batch_was_loaded(
    alice: User,
) -> None:
    loaded = make_week(alice)  # loaded without content, as a batch loads it
    theirs = {"count": 2, "stored": "by an earlier attempt"}
    WeeklyReflection.objects.filter(pk=loaded.pk).update(content=theirs)
    claimed = claim(loaded.pk, loaded, {"count": 2, "stored": "by us"})
    assert claimed is not None and claimed.content == theirs
    loaded.refresh_from_db()
    assert (loaded.content, loaded.status, loaded.attempts) == (theirs, Status.SENDING, 1)


def test_a_claim_stores_the_content_built_before_it(alice: User) -> None:
    loaded = make_week(alice)
    ours = {"count": 2, "stored": "by us"}
    claimed = claim(loaded.pk, loaded, ours)
    assert claimed is not None and claimed.content == ours
    loaded.refresh_from_db()
    assert loaded.content == ours


def test_a_shared_header_folds_for_the_policy_it_is_written_with() -> None:
    """The registry's headers keep their folded form (journal.reflections.emails._FoldsOnce):
    one kept for one policy is never written out under another."""
    registry = unfolded(email.policy.SMTP).header_factory  # type: ignore[attr-defined]
    value = "Your week of 23–29 November: " + "a long quiet week " * 8
    header = registry("Subject", value)
    assert registry("Subject", value) is header
    stock = email.policy.default.header_factory("Subject", value)
    policies = (
        email.policy.SMTP,
        email.policy.default,
        email.policy.SMTP.clone(max_line_length=40),
        email.policy.SMTPUTF8,
    )
    for policy in policies * 2:
        assert header.fold(policy=policy) == stock.fold(policy=policy)
