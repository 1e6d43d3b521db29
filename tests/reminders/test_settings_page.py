"""Settings → Reminders: times, windows, quiet hours, channels, push subscriptions."""

from __future__ import annotations

import datetime
import json

from django.test import Client

from accounts.models import User
from reminders.models import PushSubscription, ReminderPlan, ReminderTime
from reminders.vapid import public_key


def test_it_adds_and_removes_reminder_times(alice: User, alice_client: Client) -> None:
    page = alice_client.get("/settings/reminders/").content.decode()
    assert "No reminder times yet." in page
    assert f'data-vapid-key="{public_key()}"' in page
    assert alice_client.post("/settings/reminders/times/", {"at": "08:30"}).status_code == 302
    response = alice_client.post("/settings/reminders/times/", {"at": "18:00", "until": "21:00"})
    assert response.status_code == 302
    page = alice_client.get("/settings/reminders/").content.decode()
    assert "Every day at 08:30" in page
    assert "Every day some time between 18:00 and 21:00" in page
    first = ReminderTime.objects.get(user=alice, at="08:30")
    alice_client.post(f"/settings/reminders/times/{first.pk}/remove/")
    assert list(ReminderTime.objects.filter(user=alice).values_list("at", flat=True)) == [
        ReminderTime.objects.get(user=alice).at
    ]


def test_it_explains_a_bad_time(alice_client: Client) -> None:
    response = alice_client.post("/settings/reminders/times/", {"at": "25:99"})
    assert response.status_code == 400
    assert "Please enter a time like 20:30." in response.content.decode()
    response = alice_client.post("/settings/reminders/times/", {"at": "09:00", "until": "09:00"})
    assert "Please choose a later time" in response.content.decode()


def test_it_saves_channels_and_quiet_hours(alice: User, alice_client: Client) -> None:
    data = {
        "by_email": "on",
        "apprise_urls": "ntfy://ntfy.sh/attune-test\n\n gotify://example.com/Atoken123 ",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "after_listening": "on",
    }
    assert alice_client.post("/settings/reminders/", data).status_code == 302
    plan = ReminderPlan.objects.get(user=alice)
    assert plan.by_email and plan.after_listening and not plan.by_push
    assert plan.apprise_list == ["ntfy://ntfy.sh/attune-test", "gotify://example.com/Atoken123"]
    response = alice_client.post("/settings/reminders/", {"quiet_start": "22:00"})
    assert "both ends of your quiet hours" in response.content.decode()


def test_a_browser_subscribes_and_unsubscribes_to_push(
    alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    subscription = {
        "endpoint": "https://push.example.net/send/abc",
        "keys": {"p256dh": "BOr" + "x" * 84, "auth": "a" * 22},
    }
    response = alice_client.post(
        "/settings/reminders/push/", json.dumps(subscription), content_type="application/json"
    )
    assert response.status_code == 201
    assert ReminderPlan.objects.get(user=alice).by_push
    # The same browser, now Bob's: the subscription follows whoever subscribed last.
    bob_client.post(
        "/settings/reminders/push/", json.dumps(subscription), content_type="application/json"
    )
    assert PushSubscription.objects.get().user == bob
    bad = {**subscription, "endpoint": "http://169.254.169.254/latest"}
    response = alice_client.post(
        "/settings/reminders/push/", json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 400
    response = alice_client.post(
        "/settings/reminders/push/", "not json", content_type="application/json"
    )
    assert response.status_code == 400
    bob_client.post(
        "/settings/reminders/push/remove/",
        json.dumps({"endpoint": subscription["endpoint"]}),
        content_type="application/json",
    )
    assert not PushSubscription.objects.exists()


def test_the_settings_page_shows_where_reminders_are_now(alice: User, alice_client: Client) -> None:
    # The daily reminder email used to be two fields of the settings form
    # (issue 18 folded it into Settings -> Reminders).
    page = alice_client.get("/settings/").content.decode()
    assert 'name="reminder_enabled"' not in page and 'name="reminder_time"' not in page
    assert "No reminders are set up." in page
    assert 'href="/settings/reminders/"' in page
    ReminderPlan.objects.create(user=alice, by_email=True)
    ReminderTime.objects.create(user=alice, at=datetime.time(7, 30))
    ReminderTime.objects.create(user=alice, at=datetime.time(18), until=datetime.time(21))
    page = alice_client.get("/settings/").content.decode()
    assert (
        "You get a reminder every day at 07:30, some time between 18:00 and 21:00, by email."
        in page
    )
    ReminderPlan.objects.filter(user=alice).update(by_email=False)
    page = alice_client.get("/settings/").content.decode()
    assert "nowhere for them to go yet" in page
