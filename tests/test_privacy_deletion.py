"""Deleting an account leaves no row tied to the person in any table."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone

from accounts.invitations import create_invitation
from accounts.models import Session, User
from imports.jobs import create_job
from imports.models import ImportJob
from journal.models import CheckIn, WeeklyReflection
from music.models import Artist, Track
from tests.conftest import PASSWORD
from tests.factories import (
    MODEL_FACTORIES,
    make_checkin,
    make_everything,
    make_listen,
    make_tag,
    make_track,
    rows_of,
    tied_models,
)
from tests.journal.import_files import daylio_csv


def rows_tied_to(user: User) -> dict[str, int]:
    return {
        model._meta.label_lower: rows_of(user, model, paths).count()
        for model, paths in tied_models().items()
    }


def sessions_of(user: User) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def marker(user: User) -> str:
    """A string only this person's data holds (in notes, tags, files...)."""
    return "zq-marker-" + user.email.split("@")[0]


def mentions(user_id: int, needles: list[str]) -> list[str]:
    """Every row of every model (auto-created many-to-many tables too) that
    points at the user by a foreign key or a user-id column, or holds one of
    `needles` in a text or JSON field."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields]
        for row in model._default_manager.all().iterator():
            for field in fields:
                value = getattr(row, field.attname)
                label = f"{model._meta.label}.{field.name}"
                points_at_user = field.is_relation and field.related_model is User
                if value == user_id and (points_at_user or field.attname == "user_id"):
                    found.append(label)
                elif isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                    text = json.dumps(value, default=str) if value is not None else ""
                    found += [f"{label} ~ {n}" for n in needles if n.lower() in text.lower()]
    return found


def files_mentioning(root: Path, user_id: int, needles: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        relative = str(path.relative_to(root))
        if f"journal-drafts/{user_id}" in relative:
            found.append(relative)
        if path.is_file():
            content = path.read_bytes().decode("utf-8", "replace").lower()
            found += [f"{relative} ~ {n}" for n in needles if n.lower() in content]
    return found


def use_every_feature(user: User, client: Client) -> None:
    """Rows from the factories, and the real flows that leave files and rows
    behind: a journal CSV paused at the mood step (a draft on disk), a music
    import, a check-in written and one deleted, a password reset and a
    sign-up notice queued, an invitation to the address, a failed login."""
    make_everything(user)
    MARKER = marker(user)
    User.objects.filter(pk=user.pk).update(display_name=f"Sam {MARKER}")
    make_checkin(user, f"my note {MARKER}")
    gone = make_checkin(user, f"deleted note {MARKER}")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    make_tag(user, f"tag {MARKER}")
    row = f"2026-03-01,March 1,Sunday,10:00,{MARKER} mood,work,,A note {MARKER}"
    client.post(
        "/import/",
        {
            "format": "auto",
            "time_zone": "UTC",
            "file": SimpleUploadedFile("d.csv", daylio_csv([row])),
        },
    )
    assert any((Path(settings.MEDIA_ROOT) / "imports" / "journal-drafts" / str(user.pk)).iterdir())
    create_job(
        user,
        "spotify",
        SimpleUploadedFile("Streaming_History_Audio_1.json", f'[{{"x": "{MARKER}"}}]'.encode()),
    )
    Client().post("/accounts/password/reset/", {"email": user.email})
    Client().post(
        "/accounts/signup/",
        {
            "email": user.email,
            "time_zone": "UTC",
            "password1": "a long walk 77",
            "password2": "a long walk 77",
        },
    )
    Client().post("/accounts/login/", {"username": user.email, "password": "wrong"})
    create_invitation(user.email)


def test_the_factories_make_every_model_tied_to_a_user(alice: User) -> None:
    tied = {model._meta.label_lower for model in tied_models()}
    missing = sorted(tied - set(MODEL_FACTORIES))
    assert not missing, (
        f"These models hold rows tied to a user but tests/factories.py cannot make them: "
        f"{missing}. Add them to MODEL_FACTORIES so the deletion and export tests cover them."
    )
    make_everything(alice)
    empty = sorted(label for label, count in rows_tied_to(alice).items() if not count)
    assert not empty, f"MODEL_FACTORIES made no rows tied to the user for {empty}"


def test_it_leaves_no_row_tied_to_the_person_in_any_table(
    alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    make_everything(alice)
    make_everything(bob)
    shared = make_track(alice, "Shared Artist", "Everybody's Song")
    bobs_copy = make_track(bob, "Shared Artist", "Everybody's Song")
    make_listen(alice, shared)
    make_listen(bob, bobs_copy)
    links = make_checkin(alice, "mine alone").track_links.select_related("track__artist")
    only_alices = links.get().track
    upload = Path(settings.MEDIA_ROOT) / "imports" / f"alice-{alice.pk}.json"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text('{"private": "listening history"}')
    ImportJob.objects.filter(user=alice).update(stored_path=str(upload))
    Client().post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="alice@example.com").exists()
    queued = WeeklyReflection.objects.create(
        user=alice, week_start="2026-11-23", status=WeeklyReflection.Status.PENDING
    )
    before = rows_tied_to(alice)
    bobs_before = rows_tied_to(bob)
    assert all(before.values()), before
    assert sessions_of(alice) == 1

    response = alice_client.post("/settings/delete/", {"password": PASSWORD}, follow=True)
    assert "have been deleted" in response.content.decode()

    after = rows_tied_to(alice)
    assert after == dict.fromkeys(after, 0), {k: v for k, v in after.items() if v}
    assert rows_tied_to(bob) == bobs_before
    assert not User.objects.filter(email="alice@example.com").exists()
    assert sessions_of(alice) == 0
    assert sessions_of(bob) == 1
    assert not WeeklyReflection.objects.filter(pk=queued.pk).exists()  # nothing left to send
    assert not upload.exists()
    assert not AccessAttempt.objects.filter(username__iexact="alice@example.com").exists()
    assert not AccessLog.objects.filter(username__iexact="alice@example.com").exists()
    # Every track and artist is one person's own: Alice's went with her, and
    # Bob's copy of the same song stays his, as it was.
    assert not Track.objects.filter(pk__in=[shared.pk, only_alices.pk]).exists()
    assert not Artist.objects.filter(pk__in=[shared.artist_id, only_alices.artist_id]).exists()
    assert Track.objects.filter(pk=bobs_copy.pk, title="Everybody's Song").exists()


def test_it_deletes_nothing_without_the_right_password(alice: User, alice_client: Client) -> None:
    make_checkin(alice, "still here")
    page = alice_client.get("/settings/delete/").content.decode()
    assert "can't be undone" in page
    response = alice_client.post("/settings/delete/", {"password": "not it"})
    assert response.status_code == 200
    assert "doesn&#x27;t match" in response.content.decode()
    assert CheckIn.objects.filter(user=alice).count() == 1
    assert alice_client.get("/settings/").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_asks_visitors_to_log_in_first(db: None, method: str) -> None:
    response = getattr(Client(), method)("/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_deleting_an_account_that_used_everything_leaves_no_trace(
    settings: object,
    tmp_path: Path,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
) -> None:
    """Acceptance 3 of issue 19: no row in any model and no file under the media
    root mentions the person (their id, their email, or a marker in their data)."""
    uploads = tmp_path / "uploads"
    settings.MEDIA_ROOT = uploads  # type: ignore[attr-defined]
    use_every_feature(alice, alice_client)
    use_every_feature(bob, bob_client)
    alices = [alice.email, marker(alice)]
    bobs = [bob.email, marker(bob)]
    assert mentions(alice.pk, alices), "the walk finds nothing even before deletion"
    assert files_mentioning(uploads, alice.pk, alices)
    bobs_rows = mentions(bob.pk, bobs)
    bobs_files = files_mentioning(uploads, bob.pk, bobs)
    assert any("journal-drafts" in f for f in bobs_files), bobs_files

    response = alice_client.post("/settings/delete/", {"password": PASSWORD}, follow=True)
    assert "have been deleted" in response.content.decode()

    assert mentions(alice.pk, alices) == []
    assert files_mentioning(uploads, alice.pk, alices) == []
    # Bob's data, drafts and uploads included, is untouched.
    assert mentions(bob.pk, bobs) == bobs_rows
    assert files_mentioning(uploads, bob.pk, bobs) == bobs_files


def test_deleted_checkins_are_purged_on_beat_after_the_undo_window(alice: User) -> None:
    from journal.checkins import UNDO_SECONDS, delete_checkin
    from journal.models import NoteIndex
    from journal.tasks import purge_deleted

    old, recent, kept = (make_checkin(alice, f"a quiet evening by the river {n}") for n in range(3))
    delete_checkin(old)
    delete_checkin(recent)
    CheckIn.objects.filter(pk=old.pk).update(
        deleted_at=timezone.now() - dt.timedelta(seconds=UNDO_SECONDS + 1)
    )
    assert NoteIndex.objects.filter(checkin=old).exists()
    assert "purge-deleted" in settings.CELERY_BEAT_SCHEDULE
    purge_deleted()  # what beat runs, with nobody deleting anything else
    assert not CheckIn.objects.filter(pk=old.pk).exists()
    assert not NoteIndex.objects.filter(checkin_id=old.pk).exists()
    assert CheckIn.objects.filter(pk=recent.pk).exists()  # still in its undo window
    assert CheckIn.objects.filter(pk=kept.pk).exists()


def test_abandoned_import_drafts_expire_after_a_day(
    settings: object, tmp_path: Path, alice: User, alice_client: Client
) -> None:
    from django.core.files.base import ContentFile

    from journal.imports.drafts import draft_dir_of
    from journal.imports.jobs import store_draft
    from journal.tasks import purge_deleted

    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined]
    alice_client.post(
        "/import/",
        {"format": "auto", "time_zone": "UTC", "file": SimpleUploadedFile("d.csv", daylio_csv())},
    )
    store_draft(alice, ContentFile(b"date,note\n2026-03-01,another draft\n"))
    old, fresh = draft_dir_of(alice.pk).iterdir()
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    purge_deleted()
    assert not old.exists()
    assert fresh.exists()
    os.utime(fresh, (day_ago, day_ago))
    purge_deleted()
    assert not draft_dir_of(alice.pk).exists()  # the empty folder goes too
