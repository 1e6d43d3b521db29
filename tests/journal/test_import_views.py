from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.datastructures import MultiValueDict

from accounts.models import User
from imports.jobs import run_job
from imports.models import ImportJob
from journal.imports.forms import UploadForm
from journal.imports.scan import SCAN_KIND
from journal.models import CheckIn
from journal.search import search_notes
from tests.journal.import_files import OTHER_APP_CSV, daylio_csv, media, stored_files

__all__ = ["media"]


def scanned(response: Any) -> Any:
    """Read the moods the view left for a worker (journal_scan), in this process."""
    if response.status_code == 302 and response["Location"] == "/import/moods/":
        for pk in ImportJob.objects.filter(kind=SCAN_KIND, status="queued").values_list(
            "pk", flat=True
        ):
            run_job(pk)
    return response


def upload(client: Client, data: bytes, name: str = "daylio_export.csv", **fields: str) -> Any:
    payload = {"format": "auto", "time_zone": "Europe/Berlin", **fields}
    return scanned(client.post("/import/", {**payload, "file": SimpleUploadedFile(name, data)}))


def grid_labels(response: Any) -> list[str]:
    return [grid["label"] for grid in response.context["grids"]]


def run_queued(callbacks: list[Any]) -> None:
    """Run the job the view queued, in this process (the worker test does it for real)."""
    job = ImportJob.objects.latest("created_at")
    assert len(callbacks) == 1
    finished = run_job(job.pk)
    assert finished is not None
    assert finished.status == ImportJob.Status.DONE, finished.message


def test_it_shows_the_upload_form(alice_client: Client, media: Path) -> None:
    response = alice_client.get("/import/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bring your journal" in html
    assert '<option value="Europe/Berlin" selected>' in html
    assert 'enctype="multipart/form-data"' in html
    assert "no-store" in response["Cache-Control"]


def test_it_walks_a_daylio_export_from_upload_to_summary(
    alice: User, alice_client: Client, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(alice_client, daylio_csv())
    assert response.status_code == 302
    assert response["Location"] == "/import/moods/"

    page = alice_client.get("/import/moods/")
    html = page.content.decode()
    assert grid_labels(page) == ["super tired", "Keyed up"]
    assert "“super tired”" in html
    # Two custom moods, then Daylio's five (already placed on both axes, movable).
    assert html.count('type="radio"') == 7 * 81
    defaults = sorted(grid["label"] for grid in page.context["default_grids"])
    assert defaults == ["AWFUL", "bad", "good", "meh", "rad"]
    assert "Daylio’s own moods" in html
    assert "rad</em> very pleasant" in html

    with django_capture_on_commit_callbacks() as callbacks:
        placed = alice_client.post("/import/moods/", {"mood_0": "-2,-3", "mood_1": "-2,3"})
    job = ImportJob.objects.get(user=alice)
    assert placed["Location"] == f"/import/{job.pk}/"
    assert (job.kind, job.status, job.file_name) == ("daylio", "queued", "daylio_export.csv")
    assert job.options["moods"]["super tired"] == [-2, -3, False]
    assert job.options["moods"]["rad"] == [4, 3, True]

    waiting = alice_client.get(f"/import/{job.pk}/")
    assert "Waiting for a worker" in waiting.content.decode()
    run_queued(callbacks)

    summary = alice_client.get(f"/import/{job.pk}/").content.decode()
    assert re.search(r"<dt>Imported</dt><dd>6</dd>", summary)
    assert re.search(r"<dt>Already there</dt><dd>0</dd>", summary)
    assert re.search(r"<dt>Skipped</dt><dd>1</dd>", summary)
    assert "Line 7: date not understood: 2026-02-30" in summary
    assert "Your entries run from 26 October 2025 to 29 March 2026." in summary
    assert 'href="/history/"' in summary
    assert "hx-trigger" not in summary  # finished: polling stops

    tired = search_notes(alice, "harbour").get()
    assert (tired.pleasantness, tired.energy) == (-2, -3)
    assert CheckIn.objects.owned_by(alice).count() == 6
    assert stored_files(media) == []  # the upload (with notes in clear) is gone

    # The same export again: nothing is added, and the summary says so.
    upload(alice_client, daylio_csv())
    with django_capture_on_commit_callbacks() as callbacks:
        alice_client.post("/import/moods/", {"mood_0": "-2,-3", "mood_1": "-2,3"})
    run_queued(callbacks)
    again = ImportJob.objects.latest("created_at")
    html = alice_client.get(f"/import/{again.pk}/").content.decode()
    assert re.search(r"<dt>Imported</dt><dd>0</dd>", html)
    assert re.search(r"<dt>Already there</dt><dd>6</dd>", html)
    assert CheckIn.objects.owned_by(alice).count() == 6


def test_it_lets_daylios_own_moods_be_moved(
    alice: User, alice_client: Client, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    upload(alice_client, daylio_csv())
    page = alice_client.get("/import/moods/")
    rad = next(g["name"] for g in page.context["default_grids"] if g["label"] == "rad")
    assert f'name="{rad}" value="4,3" checked' in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        alice_client.post("/import/moods/", {"mood_0": "-2,-3", "mood_1": "-2,3", rad: "4,1"})
    run_queued(callbacks)
    spring = CheckIn.objects.owned_by(alice).get(local_date=dt.date(2026, 3, 29))
    assert (spring.pleasantness, spring.energy, spring.energy_estimated) == (4, 1, False)
    pm = CheckIn.objects.owned_by(alice).get(local_date=dt.date(2026, 3, 27))
    assert (pm.pleasantness, pm.energy, pm.energy_estimated) == (2, 1, True)


def test_it_shows_daylios_own_moods_on_the_grid_even_when_all_are_defaults(
    alice: User, alice_client: Client, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    data = daylio_csv(
        ["2026-03-01,March 1,Sunday,10:00,good,work | good sleep | friends | gaming,,Fine day"]
    )
    response = upload(alice_client, data, format="daylio")
    assert response["Location"] == "/import/moods/"
    page = alice_client.get("/import/moods/")
    html = page.content.decode()
    assert grid_labels(page) == []
    [good] = page.context["default_grids"]
    assert f'name="{good["name"]}" value="2,1" checked' in html
    # Activities that mean an existing tag are proposed; "work" already is one.
    assert "Activities you already have as tags" in html
    assert "File under your tag “slept well”" in html
    fields = {f.label: f for f in page.context["activity_form"]}
    assert set(fields) == {"“good sleep”", "“friends”"}
    assert fields["“good sleep”"].value() == "slept well"
    assert fields["“friends”"].value() == "time with friends"
    with django_capture_on_commit_callbacks() as callbacks:
        posted = alice_client.post(
            "/import/moods/",
            {
                good["name"]: "2,1",
                fields["“good sleep”"].html_name: "slept well",
                fields["“friends”"].html_name: "",  # kept as its own tag
            },
        )
    job = ImportJob.objects.get(user=alice)
    assert posted["Location"] == f"/import/{job.pk}/"
    assert job.options["tag_choices"] == {"good sleep": "slept well"}
    run_queued(callbacks)
    imported = CheckIn.objects.owned_by(alice).get()
    assert imported.local_date == dt.date(2026, 3, 1)
    assert (imported.pleasantness, imported.energy, imported.energy_estimated) == (2, 1, True)
    assert sorted(imported.tags.values_list("name", flat=True)) == [
        "friends",
        "gaming",
        "slept well",
        "work",
    ]


def test_it_maps_the_columns_of_another_app(
    alice: User, alice_client: Client, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(alice_client, OTHER_APP_CSV, name="moodnotes.csv")
    assert response["Location"] == "/import/columns/"

    page = alice_client.get("/import/columns/")
    html = page.content.decode()
    assert '<th scope="col">Feeling</th>' in html
    assert "<td>Picnic by the river</td>" in html
    assert "<td>Tired. Too many meetings; no lunch.</td>" in html
    assert page.context["form"].initial["mood_column"] == "Feeling"
    assert page.context["form"].initial["note_column"] == "Entry"
    assert 'hx-history="false"' in html

    mapping = {
        "date_column": "Date",
        "time_column": "Time",
        "mood_column": "Feeling",
        "tags_column": "Tags",
        "note_column": "Entry",
        "note_title_column": "",
        "date_order": "dmy",
        "tags_separator": "auto",
    }
    assert scanned(alice_client.post("/import/columns/", mapping))["Location"] == "/import/moods/"

    moods = alice_client.get("/import/moods/")
    assert sorted(grid_labels(moods)) == ["2", "3", "4", "5"]
    five = grid_labels(moods).index("5")
    assert re.search(rf'name="mood_{five}" value="4,0" checked', moods.content.decode()), (
        "the highest number is first guessed as very pleasant"
    )

    placements = {
        f"mood_{i}": f"{int(label) * 2 - 6},1" for i, label in enumerate(grid_labels(moods))
    }
    with django_capture_on_commit_callbacks() as callbacks:
        alice_client.post("/import/moods/", placements)
    run_queued(callbacks)
    job = ImportJob.objects.get(user=alice)
    assert (job.kind, job.imported, job.skipped) == (
        "journal_csv",
        3,
        {"date not understood": 1, "no mood": 1},
    )
    picnic = search_notes(alice, "picnic").get()
    assert (picnic.local_date, picnic.pleasantness, picnic.energy) == (dt.date(2026, 3, 29), 4, 1)
    assert not picnic.energy_estimated
    assert sorted(picnic.tags.values_list("name", flat=True)) == ["family", "sun"]


def test_it_explains_a_column_that_cannot_be_the_date_or_the_mood(
    alice_client: Client, media: Path
) -> None:
    upload(alice_client, OTHER_APP_CSV, name="moodnotes.csv")
    base = {"time_column": "", "tags_column": "", "note_column": "", "note_title_column": ""}
    base |= {"date_order": "auto", "tags_separator": "auto"}
    wrong_date = alice_client.post(
        "/import/columns/", {**base, "date_column": "Entry", "mood_column": "Feeling"}
    )
    assert "None of the first rows has a date we can read in “Entry”" in wrong_date.content.decode()
    same = alice_client.post(
        "/import/columns/", {**base, "date_column": "Date", "mood_column": "Date"}
    )
    assert "Each column can only be used once" in same.content.decode()


def test_it_asks_for_every_mood_to_be_placed(alice_client: Client, media: Path) -> None:
    upload(alice_client, daylio_csv())
    response = alice_client.post("/import/moods/", {"mood_0": "-2,-3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please place “Keyed up” on the grid." in html
    assert 'name="mood_0" value="-2,-3" checked' in html  # what was chosen is kept
    assert not ImportJob.objects.exclude(kind=SCAN_KIND).exists()


def test_it_says_clearly_when_the_file_is_not_a_csv(alice_client: Client, media: Path) -> None:
    response = upload(alice_client, b"PK\x03\x04\x14\x00binary zip", name="export.zip")
    assert response.status_code == 200
    assert "This looks like a zip archive." in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_it_says_when_a_file_claimed_as_daylio_is_not(alice_client: Client, media: Path) -> None:
    response = upload(alice_client, OTHER_APP_CSV, format="daylio")
    assert (
        "have Daylio&#x27;s columns (full_date, time, mood, activities)"
        in response.content.decode()
    )
    assert stored_files(media) == []


def test_it_refuses_a_file_over_the_size_limit(
    alice_client: Client, media: Path, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = 2000
    response = upload(alice_client, b"full_date,mood\n" + b"2026-01-01,good\n" * 200)
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    form = UploadForm(
        {"format": "auto", "time_zone": "UTC"},
        MultiValueDict({"file": [SimpleUploadedFile("big.csv", b"x" * 2001)]}),
    )
    assert not form.is_valid()
    assert "Attune accepts up to 2.0\xa0KB here" in form.errors["file"][0]


def test_it_starts_over_and_deletes_the_upload(alice_client: Client, media: Path) -> None:
    upload(alice_client, daylio_csv())
    assert len(stored_files(media)) == 1
    response = alice_client.post("/import/cancel/", follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert stored_files(media) == []
    assert alice_client.get("/import/moods/")["Location"] == "/import/"


def test_it_polls_the_progress_with_htmx(alice: User, alice_client: Client) -> None:
    job = ImportJob.objects.create(
        user=alice,
        kind="daylio",
        file_name="d.csv",
        total_bytes=1000,
        processed_bytes=250,
        status=ImportJob.Status.RUNNING,
        imported=40,
    )
    response = alice_client.get(f"/import/{job.pk}/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert "25% read · 40 imported so far" in html
    assert "HX-Request" in response["Vary"]


# Transactional so it runs with the worker tests, after tests/test_health.py has
# force-closed the broker pool (a producer pool made before that stays closed).
@pytest.mark.django_db(transaction=True)
def test_it_offers_to_start_a_stuck_job_again(
    alice: User, alice_client: Client, redis_broker: str
) -> None:
    import redis

    job = ImportJob.objects.create(user=alice, kind="daylio", file_name="d.csv")
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(minutes=5))
    assert "try again" in alice_client.get(f"/import/{job.pk}/").content.decode()
    response = alice_client.post(f"/import/{job.pk}/")
    assert response.status_code == 302
    assert (
        redis.Redis.from_url(redis_broker).llen("imports") == 1
    )  # queued again, on the imports queue


def test_it_hides_one_users_imports_from_another(
    alice: User, bob_client: Client, media: Path
) -> None:
    job = ImportJob.objects.create(user=alice, kind="daylio", file_name="alice.csv")
    for method in ("get", "post", "delete"):
        assert getattr(bob_client, method)(f"/import/{job.pk}/").status_code == 404
    assert "alice.csv" not in bob_client.get("/import/").content.decode()
    music_job = ImportJob.objects.create(user=alice, kind="spotify", file_name="s.json")
    assert Client().get(f"/import/{music_job.pk}/").status_code == 302  # to login


@pytest.mark.parametrize("count", [1, 8])
def test_it_lists_imports_in_constant_queries(
    alice: User, alice_client: Client, count: int, django_assert_num_queries: Any
) -> None:
    for index in range(count):
        ImportJob.objects.create(user=alice, kind="daylio", file_name=f"export-{index}.csv")
    # session, user, jobs
    with django_assert_num_queries(3):
        response = alice_client.get("/import/")
    assert response.content.decode().count("export-") == count


def test_it_fails_a_job_whose_file_is_not_what_it_claims(alice: User, media: Path) -> None:
    from imports.jobs import create_job
    from journal.imports.daylio import daylio_mapping

    mapping = daylio_mapping(["full_date", "time", "mood", "activities"], {}, "UTC")
    job = create_job(
        alice, "daylio", SimpleUploadedFile("moods.csv", OTHER_APP_CSV), mapping.to_options()
    )
    finished = run_job(job.pk)
    assert finished is not None
    assert finished.status == ImportJob.Status.FAILED
    assert finished.message == (
        "This file doesn't have Daylio's columns (full_date, time, mood, activities)."
    )
    assert not CheckIn.objects.exists()
    assert stored_files(media) == []


def test_the_mood_page_waits_for_the_worker_that_reads_the_moods(
    alice: User, alice_client: Client, media: Path, settings: Any
) -> None:
    response = alice_client.post(
        "/import/",
        {"format": "auto", "time_zone": "UTC", "file": SimpleUploadedFile("d.csv", daylio_csv())},
    )
    assert response["Location"] == "/import/moods/"
    scan = ImportJob.objects.get(user=alice, kind=SCAN_KIND)
    assert scan.status == ImportJob.Status.QUEUED  # nothing read in the request
    waiting = alice_client.get("/import/moods/")
    html = waiting.content.decode()
    assert "Reading your moods" in html
    assert 'hx-get="/import/moods/"' in html  # polls this page, as any import's page
    assert "imported so far" not in html
    partial = alice_client.get("/import/moods/", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()

    finished = run_job(scan.pk)
    assert finished is not None and finished.status == ImportJob.Status.DONE
    # The poll that sees it done reloads the page, which is now the mood step.
    assert alice_client.get("/import/moods/", headers={"HX-Request": "true"})["HX-Refresh"]
    assert grid_labels(alice_client.get("/import/moods/")) == ["super tired", "Keyed up"]
    # Placing the moods starts the import; the reading job is not kept.
    alice_client.post("/import/moods/", {"mood_0": "-2,-3", "mood_1": "-2,3"})
    assert list(ImportJob.objects.values_list("kind", flat=True)) == ["daylio"]


def test_a_file_whose_moods_cannot_be_read_is_refused_with_the_reason(
    alice: User, alice_client: Client, media: Path, settings: Any
) -> None:
    settings.ATTUNE_CSV_MAX_LINE_CHARS = 1000
    huge = b"full_date,date,weekday,time,mood,activities,note_title,note\n" + b"x" * 5000
    response = upload(alice_client, huge, name="huge.csv", format="daylio")
    assert response["Location"] == "/import/moods/"
    page = alice_client.get("/import/moods/", follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == "/import/"
    assert "huge.csv: Line 2 could not be read (a line is longer than 1,000 characters" in html
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []
