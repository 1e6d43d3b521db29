"""Issue 19: a malformed reflection in an archive made /reflections/ answer 500
from then on. The import refuses it with a message; the pages read a bad row
that is stored anyway (from before this check) without failing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from journal.archive_import import import_archive
from journal.models import WeeklyReflection

GOOD = {"version": 1, "week_start": "2026-11-16", "week_end": "2026-11-22", "count": 0}

MALFORMED: list[tuple[str, Any]] = [
    ("last week of the calendar", {"week_start": "9999-12-27", "status": "sent", "content": GOOD}),
    ("first week", {"week_start": "0001-01-01", "status": "sent", "content": GOOD}),
    (
        "infinite mean",
        {
            "week_start": "2026-11-16",
            "status": "sent",
            "content": {**GOOD, "count": 3, "mean": {"pleasantness": 1e308 * 10, "energy": 1}},
        },
    ),
    (
        "huge mean",
        {
            "week_start": "2026-11-16",
            "status": "sent",
            "content": {**GOOD, "count": 3, "mean": {"pleasantness": 1e300, "energy": 1e300}},
        },
    ),
    (
        "quadrant percent not a number",
        {
            "week_start": "2026-11-16",
            "status": "sent",
            "content": {**GOOD, "count": 3, "quadrants": [{"percent": 10**400}]},
        },
    ),
    ("content a list", {"week_start": "2026-11-16", "status": "sent", "content": [1, 2]}),
]


@pytest.mark.parametrize(("name", "row"), MALFORMED, ids=[name for name, _ in MALFORMED])
def test_a_malformed_reflection_never_breaks_the_reflection_pages(
    alice: User, alice_client: Client, name: str, row: dict[str, Any]
) -> None:
    import_archive(alice, {"format": "attune-archive", "version": 1, "reflections": [row]})
    assert alice_client.get("/reflections/").status_code == 200
    for reflection in WeeklyReflection.objects.filter(user=alice):
        response = alice_client.get(f"/reflections/{reflection.pk}/")
        assert response.status_code in (200, 404), name


@pytest.mark.parametrize(
    ("week_start", "content"),
    [
        ("9999-12-27", GOOD),
        ("1850-01-07", GOOD),
        ("2026-13-01", GOOD),
        ("2026-11-16", [1, 2]),
        ("2026-11-16", "x"),
    ],
)
def test_the_import_refuses_a_reflection_attune_could_not_have_written(
    alice: User, week_start: str, content: Any
) -> None:
    row = {"week_start": week_start, "status": "sent", "content": content}
    report = import_archive(alice, {"reflections": [row]})
    assert report.skipped_total == 1
    assert "reflection 1:" in report.bad_rows[0]["detail"]
    assert not WeeklyReflection.objects.filter(user=alice).exists()


def test_the_import_stores_a_reflection_in_the_shape_attune_writes(alice: User) -> None:
    content = {**GOOD, "count": 2, "quadrants": [{"quadrant": "nope", "percent": 50}]}
    content["suggestions"] = "not a list"
    import_archive(alice, {"reflections": [{"week_start": "2026-11-16", "content": content}]})
    stored = WeeklyReflection.objects.get(user=alice).content
    assert stored["quadrants"] == [] and stored["suggestions"] == []


def test_the_page_reads_a_bad_row_stored_before_the_import_checked(
    alice: User, alice_client: Client
) -> None:
    import datetime as dt

    bad = {**GOOD, "count": 3, "quadrants": [{"quadrant": "", "percent": 10**400}]}
    WeeklyReflection.objects.create(user=alice, week_start=dt.date(9999, 12, 27), content=bad)
    assert alice_client.get("/reflections/").status_code == 200
    pk = WeeklyReflection.objects.get(user=alice).pk
    assert alice_client.get(f"/reflections/{pk}/").status_code == 200
