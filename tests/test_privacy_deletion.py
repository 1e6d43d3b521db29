"""Deleting an account leaves no row tied to the person in any table."""

from __future__ import annotations

from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.test import Client

from accounts.models import Session, User
from imports.models import ImportJob
from journal.models import CheckIn, WeeklyReflection
from music.models import Artist, Track
from tests.conftest import PASSWORD
from tests.factories import (
    MODEL_FACTORIES,
    make_checkin,
    make_everything,
    make_listen,
    make_track,
    rows_of,
    tied_models,
)


def rows_tied_to(user: User) -> dict[str, int]:
    return {
        model._meta.label_lower: rows_of(user, model, paths).count()
        for model, paths in tied_models().items()
    }


def sessions_of(user: User) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


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
    shared = make_track("Shared Artist", "Everybody's Song")
    make_listen(alice, shared)
    make_listen(bob, shared)
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
    # The catalogue keeps songs others have, and forgets those only Alice had.
    assert Track.objects.filter(pk=shared.pk).exists()
    assert not Track.objects.filter(pk=only_alices.pk).exists()
    assert not Artist.objects.filter(name=only_alices.artist.name).exists()


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
