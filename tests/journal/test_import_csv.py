from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from accounts.models import User
from journal.imports.csvfile import NotACsvFile, iter_rows, preview, read_layout
from journal.imports.mapped_csv import (
    BadValue,
    Mapping,
    MappingError,
    Placement,
    TooManyMoodValues,
    import_mapped_csv,
    mood_values,
    parse_date,
    parse_moment,
    parse_time,
    suggest_placements,
)
from journal.models import CheckIn
from journal.search import search_notes
from tests.journal.import_files import OTHER_APP_CSV

BERLIN = "Europe/Berlin"


def other_app_mapping(**changes: object) -> Mapping:
    mapping = Mapping(
        date_column="Date",
        time_column="Time",
        mood_column="Feeling",
        tags_column="Tags",
        note_columns=["Entry"],
        moods={str(n): Placement(n * 2 - 6, 0, True) for n in range(1, 6)},
        time_zone=BERLIN,
    )
    for name, value in changes.items():
        setattr(mapping, name, value)
    return mapping


def test_it_sniffs_semicolons_and_shows_a_preview() -> None:
    binary = io.BytesIO(OTHER_APP_CSV)
    layout = read_layout(binary)
    assert layout.delimiter == ";"
    assert layout.header == ["Date", "Time", "Feeling", "Tags", "Entry"]
    rows = preview(binary, layout)
    assert rows[0] == ["29.03.2026", "14:05", "5", "family, sun", "Picnic by the river"]
    # A multi-line note is shown on one line in the preview.
    assert rows[1][4] == "Tired. Too many meetings; no lunch."
    assert len(rows) == 5


def test_it_lists_the_mood_values_and_guesses_a_scale(alice: User) -> None:
    binary = io.BytesIO(OTHER_APP_CSV)
    values = mood_values(binary, read_layout(binary), "Feeling")
    assert sorted(values) == [("2", 1), ("3", 1), ("4", 1), ("5", 1)]
    guesses = suggest_placements(alice, [label for label, _ in values])
    assert guesses == {
        "5": Placement(4, 0, True),
        "2": Placement(-4, 0, True),
        "3": Placement(-1, 0, True),
        "4": Placement(1, 0, True),
    }


def test_it_guesses_named_moods_from_daylio_and_the_vocabulary(alice: User) -> None:
    from mood.models import EmotionWord

    EmotionWord.objects.update_or_create(
        user=None,
        word__iexact="hopeful",
        defaults={"word": "Hopeful", "pleasantness": 2, "energy": 1},
    )
    guesses = suggest_placements(alice, ["Rad", "hopeful", "blorp"])
    assert guesses == {
        "Rad": Placement(4, 3, True),
        "hopeful": Placement(2, 1, False),
        "blorp": None,
    }


def test_it_refuses_a_mood_column_with_too_many_values() -> None:
    lines = ["Date,Note"] + [f"2026-01-{day:02d},entry {day}" for day in range(1, 29)]
    lines += [f"2026-02-{day:02d},entry {day + 40}" for day in range(1, 20)]
    binary = io.BytesIO("\n".join(lines).encode())
    with pytest.raises(TooManyMoodValues, match="doesn't look like a mood"):
        mood_values(binary, read_layout(binary), "Note")


def test_it_imports_a_file_from_another_app_through_a_mapping(alice: User) -> None:
    result = import_mapped_csv(alice, io.BytesIO(OTHER_APP_CSV), other_app_mapping())

    assert result.imported == 3
    assert result.skipped == {"date not understood": 1, "no mood": 1}
    assert result.bad_rows == [
        {"line": 6, "reason": "date not understood", "detail": "someday"},
        {"line": 7, "reason": "no mood", "detail": ""},
    ]
    picnic = search_notes(alice, "picnic").get()
    assert picnic.local_date == dt.date(2026, 3, 29)
    # 14:05 CEST (after the change that night) is 12:05 UTC.
    assert picnic.felt_at == dt.datetime(2026, 3, 29, 12, 5, tzinfo=dt.UTC)
    assert (picnic.pleasantness, picnic.energy_estimated) == (4, True)
    assert picnic.source == "csv"
    assert sorted(picnic.tags.values_list("name", flat=True)) == ["family", "sun"]
    tired = search_notes(alice, "meetings").get()
    assert tired.note == "Tired.\nToo many meetings; no lunch."
    assert tired.tags.get().name == "work"

    again = import_mapped_csv(alice, io.BytesIO(OTHER_APP_CSV), other_app_mapping())
    assert (again.imported, again.duplicates) == (0, 3)
    assert CheckIn.objects.owned_by(alice).count() == 3


def test_it_treats_a_daylio_file_mapped_by_hand_as_the_same_entries(alice: User) -> None:
    from journal.imports.daylio import daylio_mapping
    from tests.journal.import_files import daylio_csv

    data = daylio_csv(["2026-03-01,March 1,Sunday,10:00,good,work,Title,Body"])
    layout = read_layout(io.BytesIO(data))
    import_mapped_csv(alice, io.BytesIO(data), daylio_mapping(layout.header, {}, BERLIN))
    by_hand = Mapping(
        date_column="full_date",
        time_column="time",
        mood_column="mood",
        tags_column="activities",
        note_columns=["note_title", "note"],
        moods={"good": Placement(3, 1)},
        time_zone=BERLIN,
    )
    result = import_mapped_csv(alice, io.BytesIO(data), by_hand)
    assert (result.imported, result.duplicates) == (0, 1)


def test_it_refuses_a_mapping_to_columns_the_file_does_not_have(alice: User) -> None:
    with pytest.raises(MappingError, match="no column called 'Mood'"):
        import_mapped_csv(alice, io.BytesIO(OTHER_APP_CSV), other_app_mapping(mood_column="Mood"))


def test_it_round_trips_a_mapping_through_job_options() -> None:
    mapping = other_app_mapping()
    assert Mapping.from_options(mapping.to_options()) == mapping
    with pytest.raises(MappingError):
        Mapping.from_options({"date_column": "Date", "mood_column": "x", "time_zone": "Mars/Base"})


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-29", "auto", dt.date(2026, 3, 29)),
        ("2026/3/9", "auto", dt.date(2026, 3, 9)),
        ("29.03.2026", "auto", dt.date(2026, 3, 29)),
        ("29/03/2026", "auto", dt.date(2026, 3, 29)),
        ("03/29/2026", "auto", dt.date(2026, 3, 29)),
        ("03/04/2026", "auto", dt.date(2026, 4, 3)),
        ("03/04/2026", "mdy", dt.date(2026, 3, 4)),
        ("03/04/26", "dmy", dt.date(2026, 4, 3)),
        ("March 29, 2026", "auto", dt.date(2026, 3, 29)),
        ("29 Mar 2026", "auto", dt.date(2026, 3, 29)),
        ("Sunday, March 29, 2026", "auto", dt.date(2026, 3, 29)),
    ],
)
def test_it_reads_dates_as_apps_write_them(text: str, order: str, expected: dt.date) -> None:
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:51", dt.time(22, 51)),
        ("7:05", dt.time(7, 5)),
        ("10:51 PM", dt.time(22, 51)),
        ("10:51pm", dt.time(22, 51)),
        ("10:51 p.m.", dt.time(22, 51)),
        ("12:10 AM", dt.time(0, 10)),
        ("08:00:30", dt.time(8, 0, 30)),
        ("", dt.time(12, 0)),
    ],
)
def test_it_reads_times_as_apps_write_them(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


def test_it_reads_a_timestamp_in_the_date_column() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(BERLIN)
    assert parse_moment("2026-03-29 14:05", "", "auto", zone) == (
        dt.date(2026, 3, 29),
        dt.time(14, 5),
        None,
    )
    day, time, felt_at = parse_moment("2026-03-28T23:30:00Z", "", "auto", zone)
    assert (day, time) == (dt.date(2026, 3, 29), dt.time(0, 30))
    assert felt_at == dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)
    assert parse_moment("29/03/2026 7:30 PM", "", "auto", zone)[:2] == (
        dt.date(2026, 3, 29),
        dt.time(19, 30),
    )


def test_it_names_what_it_could_not_read() -> None:
    with pytest.raises(BadValue) as problem:
        parse_date("31/02/2026")
    assert problem.value.reason == "date not understood"
    with pytest.raises(BadValue, match="time not understood"):
        parse_time("teatime")


def test_a_line_longer_than_the_cap_stops_the_reading_with_a_reason(settings: Any) -> None:

    settings.ATTUNE_CSV_MAX_LINE_CHARS = 100
    data = b"Date,Feeling\n2026-01-01,good\n2026-01-02," + b"x" * 1000 + b"\n2026-01-03,ok\n"
    binary = io.BytesIO(data)
    rows = list(iter_rows(binary, read_layout(binary)))
    assert [row.cells.get("Feeling") for row in rows[:1]] == ["good"]
    assert rows[1].line == 3
    assert rows[1].error.startswith("a line is longer than 100 characters")
    assert len(rows) == 2


def test_it_refuses_more_columns_than_the_cap(settings: Any) -> None:
    settings.ATTUNE_CSV_MAX_COLUMNS = 3
    with pytest.raises(NotACsvFile, match="This file has 4 columns; Attune reads up to 3"):
        read_layout(io.BytesIO(b"a,b,c,d\n1,2,3,4\n"))
