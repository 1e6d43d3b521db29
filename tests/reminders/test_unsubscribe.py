"""Issue 18: the reminder email carries the signed one-click unsubscribe link
and headers the reflection email has; the link (one-click POST or the page)
turns off email reminders only. Links from the old daily reminder email
(purpose "reminder") still work and do the same."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.test import Client, override_settings

from accounts.models import User
from journal.reflections.unsubscribe import unsubscribe_token
from reminders import delivery
from reminders.channels import LostClaim, Reminder, send_email
from reminders.dispatch import dispatch
from reminders.models import ReminderPlan, ReminderSend, ReminderTime
from tests.journal.smtp_sink import Sink, smtp_sink  # noqa: F401

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
EIGHT_PM = dt.datetime(2026, 3, 2, 20, tzinfo=BERLIN)


def email_reminders(user: User) -> ReminderPlan:
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    ReminderTime.objects.create(user=user, at=dt.time(20))
    return ReminderPlan.objects.create(user=user, by_email=True, apprise_urls="json://127.0.0.1:9")


def run(now: dt.datetime) -> None:
    with time_machine.travel(now, tick=False):
        delivery.deliver_reminders(dispatch(now))


def link_path(url: str) -> str:
    assert url.startswith(f"{settings.SITE_URL}/unsubscribe/"), url
    return url.removeprefix(settings.SITE_URL)


def test_the_reminder_email_unsubscribes_from_email_reminders_in_one_click(alice: User) -> None:
    email_reminders(alice)
    run(EIGHT_PM)
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    url = header.removeprefix("<").removesuffix(">")
    assert url in message.body
    assert url in message.alternatives[0].content  # type: ignore[attr-defined]
    assert f"{settings.SITE_URL}/settings/reminders/" in message.body
    raw = message.message().as_bytes()
    assert f"\nList-Unsubscribe: <{url}>".encode() in raw  # unfolded: a usable URL
    response = Client(enforce_csrf_checks=True).post(
        link_path(url), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    plan = ReminderPlan.objects.get(user=alice)
    assert not plan.by_email
    assert plan.apprise_list == ["json://127.0.0.1:9"]  # other channels keep going
    assert ReminderTime.objects.filter(user=alice).count() == 1
    alice.refresh_from_db()
    assert alice.reflection_enabled  # the reflection email is another list
    run(EIGHT_PM + dt.timedelta(days=1))
    assert len(mail.outbox) == 1


def test_the_unsubscribe_page_asks_then_turns_email_reminders_off(alice: User) -> None:
    email_reminders(alice)
    client = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{unsubscribe_token(alice, 'reminder')}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop reminder emails?" in html
    assert "only the emails stop" in html
    assert ReminderPlan.objects.get(user=alice).by_email  # a GET (a link scanner) changes nothing
    assert client.post(url).status_code == 403  # the button needs its CSRF token
    done = client.post(url, {"csrfmiddlewaretoken": page.context["csrf_token"]})
    html = done.content.decode()
    assert "You won't get reminder emails any more." in html
    assert 'href="/settings/reminders/"' in html  # where to turn them back on
    assert not ReminderPlan.objects.get(user=alice).by_email
    assert "It is already switched off." in client.get(url).content.decode()


def test_a_link_from_the_old_daily_reminder_email_turns_email_reminders_off(
    alice: User, bob: User
) -> None:
    # Signed as the old code did (journal/reflections/unsubscribe.py before
    # the fold): those emails are still in people's inboxes.
    old = signing.dumps({"u": alice.pk, "p": "reminder"}, salt="attune.unsubscribe.reminder")
    email_reminders(alice)
    email_reminders(bob)
    response = Client().post(f"/unsubscribe/{old}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ReminderPlan.objects.get(user=alice).by_email
    assert ReminderPlan.objects.get(user=bob).by_email  # only the signed person
    alice.refresh_from_db()
    assert alice.reflection_enabled


def test_a_reflection_link_leaves_email_reminders_on(alice: User) -> None:
    email_reminders(alice)
    url = f"/unsubscribe/{unsubscribe_token(alice, 'reflection')}/"
    Client().post(url, {"List-Unsubscribe": "One-Click"})
    alice.refresh_from_db()
    assert not alice.reflection_enabled
    assert ReminderPlan.objects.get(user=alice).by_email


def test_a_reminder_link_for_someone_without_reminders_changes_nothing(alice: User) -> None:
    url = f"/unsubscribe/{unsubscribe_token(alice, 'reminder')}/"
    assert "It is already switched off." in Client().get(url).content.decode()
    assert Client().post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not ReminderPlan.objects.filter(user=alice).exists()


def test_unsubscribing_after_the_reminder_was_queued_sends_no_email(alice: User) -> None:
    plan = email_reminders(alice)
    plan.apprise_urls = ""
    plan.save()
    with time_machine.travel(EIGHT_PM, tick=False):
        queued = dispatch(EIGHT_PM)
        Client().post(
            f"/unsubscribe/{unsubscribe_token(alice, 'reminder')}/",
            {"List-Unsubscribe": "One-Click"},
        )
        delivery.deliver_reminders(queued)
    assert mail.outbox == []
    send = ReminderSend.objects.get()
    assert (send.status, send.detail) == (ReminderSend.Status.SKIPPED, "Nowhere to send it.")


def sink_mailers(sink: Sink) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "journal.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 5},
        }
    }


def test_over_smtp_the_headers_go_out_whole(
    alice: User,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    plan = email_reminders(alice)
    plan.apprise_urls = ""
    plan.save()
    with override_settings(MAILERS=sink_mailers(smtp_sink)):
        run(EIGHT_PM)
    (message,) = smtp_sink.messages
    header = message["List-Unsubscribe"]
    assert header.startswith(f"<{settings.SITE_URL}/unsubscribe/") and "=?" not in header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    send = ReminderSend.objects.get()
    assert (send.status, send.detail) == (ReminderSend.Status.SENT, "By email.")


@pytest.mark.parametrize("purpose", ["reflection", "reminder"])
def test_a_token_for_one_purpose_is_not_valid_for_another(alice: User, purpose: str) -> None:
    other = {"reflection": "reminder", "reminder": "reflection"}[purpose]
    token = unsubscribe_token(alice, purpose)
    forged = signing.loads(token, salt=f"attune.unsubscribe.{purpose}")
    forged["p"] = other
    bad = signing.dumps(forged, salt=f"attune.unsubscribe.{purpose}")
    assert Client().get(f"/unsubscribe/{bad}/").status_code == 404


def test_the_commit_point_still_comes_before_the_smtp_terminator(
    alice: User,
    smtp_sink: Sink,  # noqa: F811
) -> None:
    def refuse() -> None:
        raise LostClaim

    reminder = Reminder(title="A moment for yourself?", body="How are you?", url="http://x/")
    with override_settings(MAILERS=sink_mailers(smtp_sink)), pytest.raises(LostClaim):
        send_email(alice, reminder, refuse)
    assert len(smtp_sink) == 0  # refused at the commit point: never accepted
    with override_settings(MAILERS=sink_mailers(smtp_sink)):
        assert send_email(alice, reminder) == 1
    assert len(smtp_sink) == 1
