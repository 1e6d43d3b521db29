"""Issue 18 folded the old daily reminder into reminders/: the archive's
"account" no longer has `reminder_enabled` / `reminder_time`, and an archive
exported before, which has them, still imports cleanly (the account section
is informational and never changes settings)."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from journal.models import CheckIn
from reminders.models import ReminderPlan, ReminderTime
from tests.archive_upload import post_archive
from tests.factories import make_checkin


def export(client: Client) -> dict[str, object]:
    response = client.get("/settings/export.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]


def test_the_archive_has_no_old_reminder_keys(alice: User, alice_client: Client) -> None:
    account = export(alice_client)["account"]
    assert isinstance(account, dict)
    assert "reminder_enabled" not in account and "reminder_time" not in account
    assert account["reflection_enabled"] is True


def test_an_older_archive_with_the_old_reminder_keys_imports_cleanly(
    alice: User, alice_client: Client, bob: User, bob_client: Client
) -> None:
    make_checkin(alice, "after the concert", pleasantness=3, energy=2)
    make_checkin(alice, "quiet morning", pleasantness=1, energy=-2)
    archive = export(alice_client)
    account = archive["account"]
    assert isinstance(account, dict)
    account.update(reminder_enabled=True, reminder_time="20:00:00")  # as exported before
    upload = SimpleUploadedFile("older.json", json.dumps(archive).encode())
    response = post_archive(bob_client, upload)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported 2 check-ins" in page
    assert "could not be read" not in page
    assert {c.note for c in CheckIn.objects.filter(user=bob)} == {
        "after the concert",
        "quiet morning",
    }
    # Settings are not imported: no reminders appear from an archive.
    assert not ReminderPlan.objects.filter(user=bob).exists()
    assert not ReminderTime.objects.filter(user=bob).exists()
