"""Re-placing an imported journal's moods from Settings → Imports."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.test import Client

from accounts.models import User
from journal.imports.csvfile import read_layout
from journal.imports.daylio import daylio_mapping, import_daylio
from journal.imports.mapped_csv import Placement
from journal.models import CheckIn
from tests.journal.import_files import daylio_csv

pytestmark = pytest.mark.django_db


def imported(user: User) -> None:
    data = daylio_csv()
    layout = read_layout(io.BytesIO(data), "daylio.csv")
    mapping = daylio_mapping(
        layout.header,
        {"super tired": Placement(-2, -3), "Keyed up": Placement(-2, 3)},
        "Europe/Berlin",
    )
    import_daylio(user, io.BytesIO(data), mapping, file_name="daylio.csv")


def test_the_daylio_import_places_moods_on_both_axes_and_keeps_their_names(alice: User) -> None:
    imported(alice)
    rows = {
        c.import_label: (c.pleasantness, c.energy, c.energy_estimated)
        for c in CheckIn.objects.owned_by(alice)
    }
    assert rows["good"] == (2, 1, True)
    assert rows["awful"] == (-4, -2, True)
    assert rows["super tired"] == (-2, -3, False)


def test_it_moves_every_checkin_of_a_mood_in_one_step(
    alice: User, bob: User, alice_client: Client
) -> None:
    imported(alice)
    imported(bob)
    page = alice_client.get("/import/moods/daylio/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Re-place your imported moods (Daylio)" in html
    grids = {g["label"]: g for g in page.context["grids"]}
    assert set(grids) >= {"good", "awful", "super tired", "keyed up"}
    assert f'name="{grids["good"]["name"]}" value="2,1" checked' in html
    post = {g["name"]: g["selected"] for g in grids.values()}
    post[grids["good"]["name"]] = "3,-2"
    response = alice_client.post("/import/moods/daylio/", post, follow=True)
    assert "Moved 1 check-in." in response.content.decode()
    good = CheckIn.objects.owned_by(alice).get(import_label="good")
    assert (good.pleasantness, good.energy, good.energy_estimated) == (3, -2, False)
    awful = CheckIn.objects.owned_by(alice).get(import_label="awful")
    assert (awful.pleasantness, awful.energy, awful.energy_estimated) == (-4, -2, True)
    bobs = CheckIn.objects.owned_by(bob).get(import_label="good")
    assert (bobs.pleasantness, bobs.energy) == (2, 1)
    again = alice_client.post("/import/moods/daylio/", post, follow=True)
    assert "Nothing moved" in again.content.decode()


def test_a_bad_placement_is_refused_and_nothing_moves(alice: User, alice_client: Client) -> None:
    imported(alice)
    page = alice_client.get("/import/moods/daylio/")
    grids = {g["label"]: g for g in page.context["grids"]}
    post = {g["name"]: g["selected"] for g in grids.values()}
    post[grids["good"]["name"]] = "9,9"
    response = alice_client.post("/import/moods/daylio/", post)
    assert response.status_code == 200
    assert "Some moods still need a place on the grid." in response.content.decode()
    assert CheckIn.objects.owned_by(alice).get(import_label="good").energy == 1
    assert alice_client.get("/import/moods/spotify/").status_code == 404


def test_the_migration_names_the_moods_of_earlier_daylio_imports(alice: User) -> None:
    migration = importlib.import_module("journal.migrations.0006_day_attributes_import_label")
    made = [
        CheckIn.objects.create(
            user=alice,
            felt_at=f"2024-01-0{i + 1}T10:00Z",
            local_date=f"2024-01-0{i + 1}",
            time_zone="UTC",
            pleasantness=p,
            energy=0,
            energy_estimated=True,
            source="daylio",
        )
        for i, p in enumerate([4, 2, 0, -2, -4])
    ]
    own = CheckIn.objects.create(
        user=alice,
        felt_at="2024-01-09T10:00Z",
        local_date="2024-01-09",
        time_zone="UTC",
        pleasantness=4,
        energy=0,
        energy_estimated=False,  # placed by the person: not one of Daylio's five
        source="daylio",
    )
    migration.label_earlier_daylio_imports(apps, None)
    labels = [CheckIn.objects.get(pk=c.pk).import_label for c in made]
    assert labels == ["rad", "good", "meh", "bad", "awful"]
    assert CheckIn.objects.get(pk=own.pk).import_label == ""
