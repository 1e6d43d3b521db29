"""Issue 18, acceptance 4: a reminder by Web Push makes a real protocol round
trip - a push service on loopback verifies the VAPID signature and decrypts
the payload (RFC 8291) - and one through an Apprise json:// URL reaches a
local HTTP endpoint."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from accounts.models import User
from reminders.channels import LostClaim, Reminder, send_apprise, send_push
from reminders.models import PushSubscription, ReminderPlan
from reminders.vapid import public_key
from tests.reminders.loopback import Browser, b64url, http_endpoint, verify_vapid

REMINDER = Reminder(title="A moment for yourself?", body="How are you feeling?", url="http://x/")


def test_a_push_reaches_the_push_service_signed_and_encrypted(alice: User) -> None:
    browser = Browser()
    with http_endpoint() as service:
        PushSubscription.objects.create(
            user=alice,
            endpoint=f"{service.url}/push/abc",
            p256dh=browser.p256dh,
            auth=__import__("base64").urlsafe_b64encode(browser.auth).rstrip(b"=").decode(),
        )
        assert send_push(alice, REMINDER) == 1
    (request,) = service.received
    assert request.path == "/push/abc"
    claims, key = verify_vapid(request.headers["authorization"], service.url)
    assert key == public_key()
    assert claims["sub"] == settings.ATTUNE_VAPID_SUBJECT
    assert claims["exp"] > time.time()
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) > 0
    assert REMINDER.body.encode() not in request.body, "the payload travels encrypted"
    assert json.loads(browser.decrypt(request.body)) == {
        "title": REMINDER.title,
        "body": REMINDER.body,
        "url": REMINDER.url,
    }


def test_a_subscription_the_push_service_says_is_gone_is_forgotten(alice: User) -> None:
    browser = Browser()
    with http_endpoint(status=410) as service:
        PushSubscription.objects.create(
            user=alice,
            endpoint=f"{service.url}/gone",
            p256dh=browser.p256dh,
            auth="AAAAAAAAAAAAAAAAAAAAAA",
        )
        assert send_push(alice, REMINDER) == 0
    assert not PushSubscription.objects.filter(user=alice).exists()


def test_a_reminder_reaches_a_local_endpoint_through_an_apprise_json_url(alice: User) -> None:
    with http_endpoint(status=200) as endpoint:
        url = endpoint.url.replace("http://", "json://") + "/hook"
        plan = ReminderPlan.objects.create(user=alice, apprise_urls=url)
        assert send_apprise(plan, REMINDER) == 1
    (request,) = endpoint.received
    assert request.path == "/hook"
    payload = json.loads(request.body)
    assert payload["title"] == REMINDER.title
    assert REMINDER.body in payload["message"]


@pytest.mark.parametrize("url", ["not a url", "nosuchservice://x", "https://"])
def test_settings_refuse_an_apprise_url_apprise_does_not_know(alice_client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = alice_client.post("/settings/reminders/", {"apprise_urls": url})
    assert response.status_code == 400
    assert "recognise" in response.content.decode()


def test_a_push_whose_commit_point_refuses_never_arrives_whole(alice: User) -> None:
    """The commit point runs before the last byte: when it refuses (another
    worker holds the reminder now), the push service never gets the whole
    request, so it cannot accept it."""
    browser = Browser()

    def refuse() -> None:
        raise LostClaim

    with http_endpoint() as service:
        PushSubscription.objects.create(
            user=alice,
            endpoint=f"{service.url}/push/abc",
            p256dh=browser.p256dh,
            auth=b64url(browser.auth),
        )
        with pytest.raises(LostClaim):
            send_push(alice, REMINDER, refuse)
        time.sleep(0.2)
    for request in service.received:
        assert len(request.body) < int(request.headers["content-length"])
