"""Proposing which of the person's existing tags an imported activity means.

Daylio's "good sleep" and Attune's "slept well" are one thing; so are
"friends" and "time with friends". The import proposes such matches on its
mapping screen and the person confirms or changes each one, so a journal
does not arrive as a second, near-duplicate set of tags.

Two names match when their meaningful words are the same after a light
normalisation (case, plural -s, a few irregular forms and synonyms), or when
every meaningful word of the shorter name is in the longer one.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from journal.imports.csvfile import CsvLayout

STOP_WORDS = {"a", "an", "the", "with", "and", "of", "to", "my", "some", "time", "at", "in"}
# Irregular forms and near-synonyms, each to one word.
SAME = {
    "slept": "sleep",
    "sleeping": "sleep",
    "well": "good",
    "great": "good",
    "badly": "bad",
    "poor": "bad",
    "poorly": "bad",
    "workout": "exercise",
    "gym": "exercise",
    "sport": "exercise",
    "sports": "exercise",
    "friend": "friends",
    "mates": "friends",
    "singing": "sang",
    "sing": "sang",
    "sung": "sang",
    "playing": "played",
    "play": "played",
    "instrument": "instrument",
    "concerts": "concert",
    "dancing": "danced",
    "dance": "danced",
    "working": "work",
    "job": "work",
    "walking": "walk",
    "walked": "walk",
    "reading": "read",
    "books": "read",
    "book": "read",
    "movies": "movie",
    "film": "movie",
    "films": "movie",
    "alone": "alone",
    "me": "alone",
}
_WORD = re.compile(r"[\w']+")


def words(name: str) -> frozenset[str]:
    found = set()
    for word in _WORD.findall(name.casefold()):
        if word in STOP_WORDS:
            continue
        word = SAME.get(word, word)
        if (
            len(word) > 3
            and word.endswith("s")
            and not word.endswith("ss")
            and word not in SAME.values()
        ):
            word = SAME.get(word[:-1], word[:-1])
        found.add(word)
    return frozenset(found)


def matches(activity: str, tag: str) -> bool:
    a, t = words(activity), words(tag)
    if not a or not t:
        return False
    if a == t:
        return True
    shorter, longer = (a, t) if len(a) <= len(t) else (t, a)
    return shorter <= longer


def propose(activities: list[str], tags: list[str]) -> dict[str, str | None]:
    """For each activity, the existing tag it likely means (None: none, or it
    is already a tag by name). An exact name (any case) is never proposed:
    it joins its tag anyway."""
    by_name = {tag.casefold(): tag for tag in tags}
    proposals: dict[str, str | None] = {}
    for activity in activities:
        if activity.casefold() in by_name:
            proposals[activity] = None
            continue
        candidates = [tag for tag in tags if matches(activity, tag)]
        # The closest: the fewest extra words, then alphabetical.
        candidates.sort(key=lambda tag: (len(words(tag) ^ words(activity)), tag.casefold()))
        proposals[activity] = candidates[0] if candidates else None
    return proposals


def activities_in(
    binary: IO[bytes], layout: CsvLayout, column: str, separator: str, limit: int = 300
) -> list[str]:
    """Every activity named in the file's tag column, most used first (the
    file is read once, then rewound)."""
    from journal.imports.csvfile import iter_rows
    from journal.imports.mapped_csv import MAX_SCANNED_ROWS, split_tags

    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for seen, row in enumerate(iter_rows(binary, layout)):
        if row.error or seen >= MAX_SCANNED_ROWS:
            break
        for name in split_tags(row.cells.get(column, ""), separator):
            key = name.casefold()
            names.setdefault(key, name)
            counts[key] = counts.get(key, 0) + 1
    binary.seek(0)
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return [names[key] for key in ranked[:limit]]
