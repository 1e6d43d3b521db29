"""Day attributes from a mapped CSV column: read, stored per day, re-imported
without duplicates, bad cells reported while the row still comes in."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from journal import day_attributes
from journal.imports.forms import ColumnsForm, guess_columns
from journal.imports.mapped_csv import Mapping, MappingError, Placement, import_mapped_csv
from journal.models import CheckIn, DayAttribute
from tests.journal.import_files import media

__all__ = ["media"]

pytestmark = pytest.mark.django_db
CSV = (
    b"Date,Mood,Sleep,Practice\n"
    b"2025-05-01,5,7.5,30\n"
    b"2025-05-01,4,8,\n"
    b"2025-05-02,2,lots,15\n"
    b"2025-05-03,3,,1441\n"
)
SLEEP, MUSIC = DayAttribute.Kind.SLEEP, DayAttribute.Kind.MUSIC_MAKING


def mapping() -> Mapping:
    return Mapping(
        date_column="Date",
        mood_column="Mood",
        moods={str(n): Placement(n * 2 - 6, 0, True) for n in range(1, 6)},
        attribute_columns={SLEEP: "Sleep", MUSIC: "Practice"},
    )


def test_it_reads_each_days_figures_and_reports_bad_cells(alice: User) -> None:
    result = import_mapped_csv(alice, io.BytesIO(CSV), mapping(), file_name="x.csv")
    assert result.imported == 4
    assert day_attributes.values_for(alice, dt.date(2025, 5, 1)) == {
        SLEEP: Decimal("8.00"),  # the later row of the day wins
        MUSIC: Decimal("30.00"),
    }
    assert day_attributes.values_for(alice, dt.date(2025, 5, 2)) == {MUSIC: Decimal("15.00")}
    assert day_attributes.values_for(alice, dt.date(2025, 5, 3)) == {}
    warnings = [(row["line"], row["reason"]) for row in result.bad_rows]
    assert warnings == [
        (
            4,
            "Hours slept: please write a number of hours, like 7.5 or 7:30. (column 'Sleep'); "
            "the rest of the row came in",
        ),
        (
            5,
            "Minutes playing or singing: a day holds at most 1440 minutes; please write a "
            "number from 0 to 1440. (column 'Practice'); the rest of the row came in",
        ),
    ]
    again = import_mapped_csv(alice, io.BytesIO(CSV), mapping(), file_name="x.csv")
    assert (again.imported, again.duplicates) == (0, 4)
    assert DayAttribute.objects.filter(user=alice).count() == 3
    assert CheckIn.objects.filter(user=alice).count() == 4


def test_the_mapping_keeps_its_columns_and_refuses_unknown_ones() -> None:
    kept = Mapping.from_options(mapping().to_options())
    assert kept.attribute_columns == {SLEEP: "Sleep", MUSIC: "Practice"}
    with pytest.raises(MappingError, match="no column called 'Nap'"):
        Mapping(date_column="Date", mood_column="Mood", attribute_columns={SLEEP: "Nap"}).check(
            ["Date", "Mood"]
        )
    with pytest.raises(MappingError, match="day figure"):
        Mapping(date_column="Date", mood_column="Mood", attribute_columns={"naps": "Nap"}).check()


def test_the_columns_form_offers_a_field_each_and_guesses_them() -> None:
    header = ["Date", "Mood", "Sleep", "Practice"]
    guesses = guess_columns(header)
    assert guesses["sleep_hours_column"] == "Sleep"
    assert guesses["music_minutes_column"] == "Practice"
    form = ColumnsForm(
        header,
        {
            "date_column": "Date",
            "mood_column": "Mood",
            "sleep_hours_column": "Sleep",
            "music_minutes_column": "Practice",
            "date_order": "auto",
            "tags_separator": "auto",
        },
    )
    assert form.is_valid(), form.errors
    assert form.attribute_columns() == {SLEEP: "Sleep", MUSIC: "Practice"}
    twice = ColumnsForm(
        header,
        {
            "date_column": "Date",
            "mood_column": "Mood",
            "sleep_hours_column": "Mood",
            "date_order": "auto",
            "tags_separator": "auto",
        },
    )
    assert not twice.is_valid()
    assert "the day's figures" in twice.non_field_errors()[0]


def test_the_columns_page_carries_them_into_the_job(alice_client: Client, media: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    alice_client.post(
        "/import/",
        {"format": "csv", "time_zone": "UTC", "file": SimpleUploadedFile("m.csv", CSV)},
    )
    page = alice_client.get("/import/columns/").content.decode()
    assert "Hours slept (optional)" in page
    response = alice_client.post(
        "/import/columns/",
        {
            "date_column": "Date",
            "mood_column": "Mood",
            "sleep_hours_column": "Sleep",
            "date_order": "auto",
            "tags_separator": "auto",
        },
    )
    assert response["Location"] == "/import/moods/"
    assert alice_client.session["journal_import_draft"]["mapping"]["attribute_columns"] == {
        SLEEP: "Sleep"
    }
