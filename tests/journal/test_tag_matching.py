"""Imported activities proposed onto the person's existing tags."""

from __future__ import annotations

import io

import pytest

from accounts.models import User
from journal.imports.csvfile import read_layout
from journal.imports.daylio import daylio_mapping, import_daylio
from journal.imports.mapped_csv import Mapping
from journal.imports.tag_matching import activities_in, matches, propose
from journal.models import CheckIn, Tag
from tests.journal.import_files import daylio_csv

ATTUNE_TAGS = [
    "listened to music",
    "played an instrument",
    "sang",
    "sang or played with others",
    "went to a concert",
    "danced",
    "slept well",
    "slept badly",
    "exercise",
    "time with friends",
    "alone time",
    "work",
    "therapy",
]


def test_it_proposes_the_tags_daylios_activities_mean() -> None:
    found = propose(
        ["good sleep", "bad sleep", "friends", "sport", "Work", "gaming", "reading", "family"],
        ATTUNE_TAGS,
    )
    assert found == {
        "good sleep": "slept well",
        "bad sleep": "slept badly",
        "friends": "time with friends",
        "sport": "exercise",
        "Work": None,  # already a tag by name: it joins it anyway
        "gaming": None,
        "reading": None,
        "family": None,
    }


def test_it_does_not_match_different_things() -> None:
    assert not matches("good sleep", "slept badly")
    assert not matches("sang", "danced")
    assert not matches("", "work")
    assert matches("Singing", "sang")


@pytest.mark.django_db
def test_an_import_files_chosen_activities_under_existing_tags(alice: User) -> None:
    data = daylio_csv(
        [
            "2026-03-01,March 1,Sunday,10:00,good,good sleep | friends | gaming,,Fine day",
            "2026-03-02,March 2,Monday,10:00,rad,friends | time with friends,,",
        ]
    )
    layout = read_layout(io.BytesIO(data), "d.csv")
    assert activities_in(io.BytesIO(data), layout, "activities", "|") == [
        "friends",
        "gaming",
        "good sleep",
        "time with friends",
    ]
    mapping = daylio_mapping(layout.header, {}, "UTC")
    mapping.tag_choices = {"good sleep": "slept well", "friends": "time with friends"}
    mapping = Mapping.from_options(mapping.to_options())
    before = Tag.objects.filter(user=alice).count()
    import_daylio(alice, io.BytesIO(data), mapping, file_name="d.csv")
    first = CheckIn.objects.get(user=alice, local_date="2026-03-01")
    assert sorted(first.tags.values_list("name", flat=True)) == [
        "gaming",
        "slept well",
        "time with friends",
    ]
    second = CheckIn.objects.get(user=alice, local_date="2026-03-02")
    assert list(second.tags.values_list("name", flat=True)) == ["time with friends"]
    assert Tag.objects.filter(user=alice).count() == before + 1  # only "gaming" is new
