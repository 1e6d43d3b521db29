from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from journal.imports.csvfile import NotACsvFile, read_layout
from journal.imports.daylio import daylio_mapping, import_daylio
from journal.models import CheckIn
from tests.journal.import_files import DAYLIO_HEADER, OTHER_APP_CSV, daylio_csv, media

__all__ = ["media"]

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from('",;|\r\n\x00='),
    max_size=30,
)


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=10), max_size=8))
def test_it_never_fails_on_hostile_daylio_rows(alice: User, rows: list[list[str]]) -> None:
    text = "\r\n".join([DAYLIO_HEADER, *(",".join(row) for row in rows)])
    binary = io.BytesIO(text.encode("utf-8", "replace"))
    layout = read_layout(binary)
    result = import_daylio(alice, binary, daylio_mapping(layout.header, {}, "Europe/Berlin"))
    # Every row is accounted for once at most (raw line breaks can make more rows).
    lines = text.count("\n") + text.count("\r") + 1
    assert result.imported + result.duplicates + result.skipped_total <= lines
    for checkin in CheckIn.objects.filter(user=alice):
        assert -4 <= checkin.pleasantness <= 4
        assert "\x00" not in checkin.note


@FUZZ
@given(data=st.binary(max_size=400))
@example(data=b",\r\x00")  # a lone carriage return in the first line
def test_it_answers_any_upload_without_an_error_page(
    alice_client: Client, media: Path, data: bytes
) -> None:
    response = alice_client.post(
        "/import/",
        {
            "format": "auto",
            "time_zone": "UTC",
            "file": SimpleUploadedFile("export.csv", data),
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert b'class="errorlist' in response.content


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["mood_0", "mood_1", "x"]), cell, max_size=3))
def test_it_answers_any_mood_placement(
    alice_client: Client, media: Path, values: dict[str, str]
) -> None:
    alice_client.post(
        "/import/",
        {"format": "auto", "time_zone": "UTC", "file": SimpleUploadedFile("d.csv", daylio_csv())},
    )
    response = alice_client.post("/import/moods/", values)
    assert response.status_code in (200, 302)


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "date_column",
                "mood_column",
                "time_column",
                "tags_column",
                "note_column",
                "note_title_column",
                "date_order",
                "tags_separator",
            ]
        ),
        st.sampled_from(["Date", "Time", "Feeling", "Tags", "Entry", "auto", "dmy", "|"]) | cell,
    )
)
def test_it_answers_any_column_mapping(
    alice_client: Client, media: Path, values: dict[str, str]
) -> None:
    alice_client.post(
        "/import/",
        {"format": "csv", "time_zone": "UTC", "file": SimpleUploadedFile("m.csv", OTHER_APP_CSV)},
    )
    response = alice_client.post("/import/columns/", values)
    assert response.status_code in (200, 302)


def test_it_reads_a_csv_that_only_has_a_header() -> None:
    layout = read_layout(io.BytesIO(b"Date;Mood\r\n"))
    assert layout.header == ["Date", "Mood"]
    with pytest.raises(NotACsvFile, match="empty"):
        read_layout(io.BytesIO(b"\r\n\r\n"))
