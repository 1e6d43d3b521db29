"""Day attributes: parsing what people type, storing one value per day and kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from journal import day_attributes
from journal.day_attributes import BadValue, DayAttributesForm, parse_value, show
from journal.models import DayAttribute

SLEEP = DayAttribute.Kind.SLEEP
EXERCISE = DayAttribute.Kind.EXERCISE
MUSIC = DayAttribute.Kind.MUSIC_MAKING
DAY = dt.date(2026, 4, 15)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (SLEEP, "7.5", Decimal("7.50")),
        (SLEEP, " 7,5 ", Decimal("7.50")),
        (SLEEP, "7:30", Decimal("7.50")),
        (SLEEP, "6:20", Decimal("6.33")),
        (SLEEP, "24", Decimal("24.00")),
        (EXERCISE, "45", Decimal("45.00")),
        (MUSIC, "1440", Decimal("1440.00")),
        (MUSIC, "0", Decimal("0.00")),
        (MUSIC, "", None),
    ],
)
def test_it_reads_what_people_type(kind: str, text: str, value: Decimal | None) -> None:
    assert parse_value(kind, text) == value


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (SLEEP, "25", "Hours slept: a day holds at most 24 hours"),
        (SLEEP, "lots", "Hours slept: please write a number of hours, like 7.5 or 7:30."),
        (EXERCISE, "-5", "Minutes of exercise: please write a number of minutes, like 45."),
        (EXERCISE, "1e3", "please write a number of minutes"),
        (MUSIC, "1441", "at most 1440 minutes"),
        (MUSIC, "NaN", "please write a number"),
        (MUSIC, "7:30", "please write a number of minutes"),
    ],
)
def test_it_refuses_other_input_with_a_message(kind: str, text: str, message: str) -> None:
    with pytest.raises(BadValue) as problem:
        parse_value(kind, text)
    assert message in str(problem.value)


def test_the_form_keeps_good_fields_and_explains_bad_ones() -> None:
    form = DayAttributesForm({"sleep_hours": "7:45", "exercise_minutes": "an hour"})
    assert not form.is_valid()
    assert form.errors["exercise_minutes"] == [
        "Minutes of exercise: please write a number of minutes, like 45."
    ]
    assert form.cleaned_data["sleep_hours"] == Decimal("7.75")
    good = DayAttributesForm({"sleep_hours": "8", "music_minutes": "20"})
    assert good.is_valid()
    assert good.values() == {SLEEP: Decimal("8.00"), EXERCISE: None, MUSIC: Decimal("20.00")}
    shown = DayAttributesForm(values={SLEEP: Decimal("7.50"), EXERCISE: Decimal("45.00")})
    assert shown["sleep_hours"].value() == "7.5"
    assert shown["exercise_minutes"].value() == "45"
    assert 'inputmode="decimal"' in str(shown["sleep_hours"])


def test_show_writes_values_back_plainly() -> None:
    assert [show(Decimal("7.50")), show(Decimal("45.00")), show(6.33), show(None)] == [
        "7.5",
        "45",
        "6.33",
        "",
    ]


@pytest.mark.django_db
def test_it_sets_replaces_and_clears_one_value_per_day_and_kind(alice: User, bob: User) -> None:
    day_attributes.set_day(alice, DAY, {SLEEP: Decimal("7.5"), EXERCISE: Decimal("30")})
    day_attributes.set_day(alice, DAY, {SLEEP: Decimal("6"), EXERCISE: None})
    day_attributes.set_day(alice, DAY, {MUSIC: Decimal("15")})
    day_attributes.set_day(bob, DAY, {SLEEP: Decimal("9")})
    assert day_attributes.values_for(alice, DAY) == {
        SLEEP: Decimal("6.00"),
        MUSIC: Decimal("15.00"),
    }
    day_attributes.set_day(alice, DAY - dt.timedelta(days=3), {SLEEP: Decimal("8")})
    assert day_attributes.values_between(alice, DAY - dt.timedelta(days=1), DAY) == {
        SLEEP: {DAY: 6.0},
        EXERCISE: {},
        MUSIC: {DAY: 15.0},
    }


@pytest.mark.django_db
def test_the_database_refuses_a_second_value_or_one_out_of_range(alice: User) -> None:
    DayAttribute.objects.create(user=alice, local_date=DAY, kind=SLEEP, value=Decimal("7"))
    for kind, value in ((SLEEP, "8"), (SLEEP, "-1"), (EXERCISE, "1441")):
        day = DAY if value == "8" else DAY + dt.timedelta(days=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            DayAttribute.objects.create(user=alice, local_date=day, kind=kind, value=Decimal(value))
    DayAttribute.objects.create(user=alice, local_date=DAY, kind=EXERCISE, value=Decimal("1440"))


@pytest.mark.django_db
def test_archive_rows_come_back_once_and_bad_ones_are_reported(alice: User, bob: User) -> None:
    day_attributes.set_day(alice, DAY, {SLEEP: Decimal("7.25"), EXERCISE: Decimal("40")})
    rows = list(day_attributes.archive_rows(alice))
    assert rows == [
        {"local_date": "2026-04-15", "kind": "exercise_minutes", "value": "40"},
        {"local_date": "2026-04-15", "kind": "sleep_hours", "value": "7.25"},
    ]
    hostile = [
        *rows,
        {"local_date": "2026-02-30", "kind": "sleep_hours", "value": "7"},
        {"local_date": "2026-04-16", "kind": "naps", "value": "1"},
        {"local_date": "2026-04-16", "kind": "sleep_hours", "value": "99"},
        {"kind": "sleep_hours"},
        rows[0],
    ]
    added, kept, problems = day_attributes.import_rows(bob, hostile)
    assert (added, kept, len(problems)) == (2, 1, 4)
    assert day_attributes.values_for(bob, DAY) == {SLEEP: Decimal("7.25"), EXERCISE: Decimal("40")}
    assert day_attributes.import_rows(bob, rows)[:2] == (0, 2)
