"""Re-placing an imported journal's moods on the grid, after the import.

Each imported check-in keeps the journal's name for its mood
(`CheckIn.import_label`), so moving "rad" moves every check-in that came in
as "rad", in one transaction. A mood left where it was keeps its
"energy estimated" mark; a moved one becomes the person's own placement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count

from journal.imports.mapped_csv import Placement
from journal.models import CheckIn

if TYPE_CHECKING:
    from accounts.models import User

IMPORTED_SOURCES = (CheckIn.Source.DAYLIO, CheckIn.Source.CSV)


@dataclass(frozen=True)
class ImportedMood:
    source: str
    label: str
    count: int
    placement: Placement  # where most of its check-ins sit now


def imported_moods(user: User, source: str) -> list[ImportedMood]:
    """Each mood name of `source`'s imports with its count and its current
    place, most used first (one query)."""
    rows = (
        CheckIn.objects.owned_by(user)
        .filter(source=source)
        .exclude(import_label="")
        .values("import_label", "pleasantness", "energy", "energy_estimated")
        .annotate(n=Count("id"))
        .order_by()
    )
    places: dict[str, list[tuple[int, Placement]]] = defaultdict(list)
    for row in rows:
        placement = Placement(row["pleasantness"], row["energy"], row["energy_estimated"])
        places[row["import_label"]].append((row["n"], placement))
    moods = [
        ImportedMood(
            source,
            label,
            sum(n for n, _ in found),
            max(found, key=lambda item: (item[0], item[1].pleasantness))[1],
        )
        for label, found in places.items()
    ]
    moods.sort(key=lambda mood: (-mood.count, mood.label))
    return moods


@transaction.atomic
def replace_moods(user: User, source: str, placements: dict[str, Placement]) -> int:
    """Move every check-in imported from `source` as each label to its new
    place; returns how many check-ins changed."""
    changed = 0
    for label, placement in placements.items():
        changed += (
            CheckIn.objects.owned_by(user)
            .filter(source=source, import_label=label)
            .exclude(
                pleasantness=placement.pleasantness,
                energy=placement.energy,
                energy_estimated=placement.estimated,
            )
            .update(
                pleasantness=placement.pleasantness,
                energy=placement.energy,
                energy_estimated=placement.estimated,
            )
        )
    return changed
