"""Issue 19: a mood label over 60 characters lost its rows after being placed
(the grid showed it cut to 60 characters, and the rows were then looked up by
the whole label)."""

from __future__ import annotations

import io

from accounts.models import User
from journal.imports.csvfile import read_layout
from journal.imports.forms import MoodPlacementForm
from journal.imports.mapped_csv import (
    Mapping,
    import_mapped_csv,
    mood_key,
    mood_values,
    suggest_placements,
)
from journal.models import CheckIn

LONG = "Quietly hopeful after a long walk by the sea with my sister and then tired"


def test_a_long_mood_label_keeps_its_rows_once_placed(alice: User) -> None:
    assert len(LONG) > 60
    data = f"Date,Feeling\n2026-03-01,{LONG}\n2026-03-02,{LONG.upper()}\n2026-03-03,calm\n"
    binary = io.BytesIO(data.encode())
    layout = read_layout(binary, "moods.csv")
    labels = [label for label, _count in mood_values(binary, layout, "Feeling")]
    assert len(labels) == 2 and all(len(label) <= 60 for label in labels)

    # What the mood step does: one grid per label, each placed, then the
    # mapping stored with the job and read back by the worker.
    form = MoodPlacementForm(
        labels,
        suggest_placements(alice, labels),
        {f"mood_{i}": "2,1" for i in range(len(labels))},
    )
    assert form.is_valid(), form.errors
    mapping = Mapping(date_column="Date", mood_column="Feeling", date_order="ymd")
    mapping.moods = {mood_key(label): p for label, p in form.placements().items()}
    mapping = Mapping.from_options(mapping.to_options())

    report = import_mapped_csv(alice, binary, mapping, file_name="moods.csv")
    assert report.skipped == {}, report.skipped
    assert CheckIn.objects.filter(user=alice, pleasantness=2, energy=1).count() == 3


def test_the_cut_name_and_the_whole_name_match_the_same_rows() -> None:
    for name in [LONG, "ß" * 70, "a" * 59 + " b" * 10, "x" * 200]:
        assert mood_key(name) == mood_key(name[:60]) == mood_key(name[:60].rstrip())
