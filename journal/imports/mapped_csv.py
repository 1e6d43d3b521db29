"""Any mood-journal CSV, read through a column mapping the person chose.

The mapping names the date column (required), and optionally time, mood, tags
and note columns, how dates are written, and where each mood value sits on the
grid. Daylio exports use the same engine with a fixed mapping (daylio.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models.functions import Lower

from accounts.models import User
from imports.report import ImportReport
from journal import day_attributes
from journal.imports.csvfile import CsvLayout, iter_rows, read_layout
from journal.imports.result import journal_report
from journal.imports.writer import CheckInWriter, Entry
from journal.models import CheckIn
from mood.models import EmotionWord
from mood.values import MOOD_MAX, MOOD_MIN

DATE_ORDERS = {
    "auto": "Work it out for me",
    "ymd": "Year, month, day (2026-03-29)",
    "dmy": "Day, month, year (29/03/2026)",
    "mdy": "Month, day, year (03/29/2026)",
}
TAG_SEPARATORS = {
    "auto": "Work it out for me",
    "|": "Vertical bar ( | )",
    ",": "Comma",
    ";": "Semicolon",
}
NO_TIME = dt.time(12, 0)
MAX_MOOD_VALUES = 40
# The mood screen is built while the person waits: look at this many rows at most.
# A mood first used later still comes in as "mood not placed", listed by line.
MAX_SCANNED_ROWS = 300_000
EARLIEST_YEAR = 1900


class MappingError(ValueError):
    """The mapping or mood placement can't be used; the message says why."""


@dataclass(frozen=True)
class Placement:
    pleasantness: int
    energy: int
    estimated: bool = False


# A mood's name is kept to this many characters: on the grid, in the stored
# mapping and on each check-in (CheckIn.import_label).
MOOD_LABEL_CHARS = 60


def mood_key(label: str) -> str:
    """How a mood's name is matched: spaces collapsed, case folded, cut to
    MOOD_LABEL_CHARS (and a space the cut leaves at the end dropped). The cut
    matters: the grid shows a long name cut, so the placement comes back under
    the cut name and must still find its rows."""
    return " ".join(label.split()).casefold()[:MOOD_LABEL_CHARS].rstrip()


@dataclass
class Mapping:
    date_column: str
    mood_column: str
    time_column: str = ""
    tags_column: str = ""
    note_columns: list[str] = field(default_factory=list)
    date_order: str = "auto"
    tags_separator: str = "auto"
    moods: dict[str, Placement] = field(default_factory=dict)
    time_zone: str = "UTC"
    source: str = CheckIn.Source.CSV
    # Day attributes (hours slept, minutes of exercise, of music-making) by
    # kind: the column that holds each.
    attribute_columns: dict[str, str] = field(default_factory=dict)
    # Activities the person chose to file under an existing tag, by the
    # activity's folded name ("good sleep" → "slept well").
    tag_choices: dict[str, str] = field(default_factory=dict)

    def to_options(self) -> dict[str, Any]:
        return {
            "date_column": self.date_column,
            "mood_column": self.mood_column,
            "time_column": self.time_column,
            "tags_column": self.tags_column,
            "note_columns": list(self.note_columns),
            "date_order": self.date_order,
            "tags_separator": self.tags_separator,
            "moods": {
                key: [p.pleasantness, p.energy, p.estimated] for key, p in self.moods.items()
            },
            "time_zone": self.time_zone,
            "source": self.source,
            "attribute_columns": dict(self.attribute_columns),
            "tag_choices": dict(self.tag_choices),
        }

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Mapping:
        try:
            moods = {
                mood_key(str(key)): Placement(int(value[0]), int(value[1]), bool(value[2]))
                for key, value in (options.get("moods") or {}).items()
            }
            mapping = cls(
                date_column=str(options["date_column"]),
                mood_column=str(options.get("mood_column") or ""),
                time_column=str(options.get("time_column") or ""),
                tags_column=str(options.get("tags_column") or ""),
                note_columns=[str(name) for name in options.get("note_columns") or [] if name],
                date_order=str(options.get("date_order") or "auto"),
                tags_separator=str(options.get("tags_separator") or "auto"),
                moods=moods,
                time_zone=str(options.get("time_zone") or "UTC"),
                source=str(options.get("source") or CheckIn.Source.CSV),
                attribute_columns={
                    str(kind): str(column)
                    for kind, column in (options.get("attribute_columns") or {}).items()
                    if column
                },
                tag_choices={
                    str(activity).casefold(): str(tag)
                    for activity, tag in (options.get("tag_choices") or {}).items()
                    if tag
                },
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise MappingError("The import settings are incomplete.") from error
        mapping.check()
        return mapping

    def check(self, header: list[str] | None = None) -> None:
        if not self.date_column:
            raise MappingError("Please choose the column that holds the date.")
        if not self.mood_column:
            raise MappingError("Please choose the column that holds the mood.")
        if self.date_order not in DATE_ORDERS:
            raise MappingError("Please choose how the dates are written.")
        if self.tags_separator not in TAG_SEPARATORS:
            raise MappingError("Please choose how the tags are separated.")
        for placement in self.moods.values():
            for value in (placement.pleasantness, placement.energy):
                if not MOOD_MIN <= value <= MOOD_MAX:
                    raise MappingError("A mood was placed outside the grid.")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise MappingError("Please choose a time zone from the list.") from error
        if any(kind not in day_attributes.SPECS for kind in self.attribute_columns):
            raise MappingError("The import settings name a day figure Attune doesn't keep.")
        if header is not None:
            used = [self.date_column, self.mood_column, self.time_column, self.tags_column]
            for name in [*used, *self.note_columns, *self.attribute_columns.values()]:
                if name and name not in header:
                    raise MappingError(f"This file has no column called {name!r}.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


# Dates and times -----------------------------------------------------------

_NUMERIC_DATE = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_NAMED_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%A %d %B %Y",
    "%a %d %b %Y",
)
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I:%M:%S %p", "%I %p", "%H.%M")
_SPLIT_TIME = re.compile(
    r"^(.+?)[ T](\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)$"
)


class BadValue(ValueError):
    """A cell could not be understood; `reason` is the summary's category."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def _year(value: int) -> int:
    return value + 2000 if value < 100 else value


def parse_date(text: str, order: str = "auto") -> dt.date:
    value = " ".join(text.split())
    if not value:
        raise BadValue("no date")
    match = _NUMERIC_DATE.match(value)
    if match:
        first, separator, middle, last = match.groups()
        a, b, c = int(first), int(middle), int(last)
        if len(first) == 4 or order == "ymd":
            year, month, day = a, b, c
        elif order == "mdy":
            year, month, day = _year(c), a, b
        elif order == "dmy" or separator == "." or a > 12:
            year, month, day = _year(c), b, a
        elif b > 12:
            year, month, day = _year(c), a, b
        else:
            year, month, day = _year(c), b, a  # unclear: day first, as most of the world
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise BadValue("date not understood", value) from None
    for pattern in _NAMED_DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise BadValue("date not understood", value)


_MERIDIEM = re.compile(r"\s*([AaPp])\.?\s*[Mm]\.?$")


def parse_time(text: str) -> dt.time:
    value = " ".join(text.split())
    if not value:
        return NO_TIME
    value = _MERIDIEM.sub(lambda match: f" {match.group(1).upper()}M", value)
    for pattern in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).time()
        except ValueError:
            continue
    try:
        return dt.time.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise BadValue("time not understood", text.strip()[:40]) from None


def parse_moment(
    date_text: str, time_text: str, order: str, zone: ZoneInfo
) -> tuple[dt.date, dt.time, dt.datetime | None]:
    """The local date and time of a row; a full timestamp with an offset keeps it."""
    value = date_text.strip()
    if "T" in value or (":" in value and not time_text.strip()):
        try:
            stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
        if stamp is not None:
            if stamp.tzinfo is not None:
                local = stamp.astimezone(zone)
                return local.date(), local.time().replace(tzinfo=None), stamp.astimezone(dt.UTC)
            return stamp.date(), stamp.time(), None
        split = _SPLIT_TIME.match(" ".join(value.split()))
        if split and not time_text.strip():
            value, time_text = split.group(1), split.group(2)
    return parse_date(value, order), parse_time(time_text), None


# Moods ---------------------------------------------------------------------

# Daylio's five on both axes: a suggestion the mood step shows on the grid.
# Daylio never asked about energy, so a kept suggestion stays marked as an
# estimate (left out of energy figures); a moved one is the person's own.
DAYLIO_DEFAULTS: dict[str, Placement] = {
    "rad": Placement(4, 3, True),
    "good": Placement(2, 1, True),
    "meh": Placement(0, 0, True),
    "bad": Placement(-2, -1, True),
    "awful": Placement(-4, -2, True),
}


def _number(label: str) -> float | None:
    try:
        return float(label.replace(",", "."))
    except ValueError:
        return None


def suggest_placements(user: User, labels: list[str]) -> dict[str, Placement | None]:
    """A first guess for each mood value, for the person to confirm or move.

    Numbers (a 1–5 or 1–10 scale) are spread over the pleasantness axis; Daylio's
    default names and words from the emotion vocabulary go where they belong.
    """
    numbers = {label: _number(label) for label in labels}
    values = [n for n in numbers.values() if n is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    words = {
        word.word.casefold(): word
        for word in EmotionWord.objects.for_user(user)
        .annotate(lower=Lower("word"))
        .filter(lower__in=[label.strip().lower() for label in labels])
    }
    guesses: dict[str, Placement | None] = {}
    for label in labels:
        key = mood_key(label)
        number = numbers[label]
        if key in DAYLIO_DEFAULTS:
            guesses[label] = DAYLIO_DEFAULTS[key]
        elif number is not None and len(values) == len(labels) and high > low:
            position = round(MOOD_MIN + (number - low) * (MOOD_MAX - MOOD_MIN) / (high - low))
            guesses[label] = Placement(position, 0, True)
        elif key in words:
            guesses[label] = Placement(words[key].pleasantness, words[key].energy, False)
        else:
            guesses[label] = None
    return guesses


class TooManyMoodValues(MappingError):
    pass


def mood_values(binary: IO[bytes], layout: CsvLayout, column: str) -> list[tuple[str, int]]:
    """The distinct values of the mood column with their counts, most used first."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for seen, row in enumerate(iter_rows(binary, layout)):
        if row.error or seen >= MAX_SCANNED_ROWS:
            break
        label = " ".join(row.cells.get(column, "").split())
        if not label:
            continue
        key = mood_key(label)
        if key not in counts:
            if len(counts) >= MAX_MOOD_VALUES:
                binary.seek(0)
                raise TooManyMoodValues(
                    f"The column {column!r} has more than {MAX_MOOD_VALUES} different values, "
                    "so it doesn't look like a mood. Please choose another column."
                )
            labels[key] = label[:MOOD_LABEL_CHARS].rstrip()
            counts[key] = 0
        counts[key] += 1
    binary.seek(0)
    ordered = sorted(counts, key=lambda key: -counts[key])
    return [(labels[key], counts[key]) for key in ordered]


# The import itself ---------------------------------------------------------


def split_tags(text: str, separator: str) -> tuple[str, ...]:
    from journal.imports.writer import clean_tag

    if not text.strip():
        return ()
    if separator == "auto":
        separator = "|" if "|" in text else ","
    seen: dict[str, str] = {}
    for part in text.split(separator):
        name = clean_tag(part)
        if name:
            seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def file_tags(names: tuple[str, ...], mapping: Mapping) -> tuple[str, ...]:
    """The row's activities with the person's chosen tag in place of each
    activity they filed under one (duplicates dropped)."""
    if not mapping.tag_choices:
        return names
    chosen = (mapping.tag_choices.get(name.casefold(), name) for name in names)
    return tuple(dict.fromkeys(chosen))


def join_note(parts: list[str]) -> str:
    return "\n\n".join(part.strip() for part in parts if part.strip())


def import_mapped_csv(
    user: User,
    binary: IO[bytes],
    mapping: Mapping,
    *,
    file_name: str = "",
    report: ImportReport | None = None,
) -> ImportReport:
    """Import every row of the file as a check-in, following `mapping`.

    Streams the file; a row that can't be understood is counted with its line
    number and reason, and the rest still come in.
    """
    layout = read_layout(binary, file_name)
    mapping.check(layout.header)
    zone = mapping.zone
    result = report if report is not None else journal_report()
    writer = CheckInWriter(
        user,
        mapping.source,
        zone,
        result,
        on_flush=result.save_progress,
    )
    latest = dt.datetime.now(zone).date() + dt.timedelta(days=1)
    for row in iter_rows(binary, layout):
        if row.error:
            result.bad_row(row.line, "unreadable row", row.error[:100])
            result.stopped_early = (
                f"Line {row.line} could not be read, so the rest of the file was not read."
            )
            break
        try:
            entry = _entry(row.line, row.cells, mapping, zone, latest)
        except BadValue as problem:
            result.bad_row(row.line, problem.reason, problem.detail)
            continue
        if mapping.attribute_columns:
            figures, messages = read_attributes(row.cells, mapping.attribute_columns)
            for message in messages:
                result.warn(row.line, message)
            entry = replace(entry, attributes=figures)
        writer.add(entry)
    writer.flush()
    return result


def read_attributes(
    cells: dict[str, str], columns: dict[str, str]
) -> tuple[tuple[tuple[str, Decimal], ...], list[str]]:
    """The row's day figures, and a message for each cell that isn't one
    (the row itself still comes in)."""
    figures: list[tuple[str, Decimal]] = []
    problems: list[str] = []
    for kind, column in columns.items():
        try:
            value = day_attributes.parse_value(kind, cells.get(column, ""))
        except day_attributes.BadValue as problem:
            problems.append(f"{problem} (column {column!r}); the rest of the row came in")
            continue
        if value is not None:
            figures.append((kind, value))
    return tuple(figures), problems


def _entry(
    line: int, cells: dict[str, str], mapping: Mapping, zone: ZoneInfo, latest: dt.date
) -> Entry:
    day, time, felt_at = parse_moment(
        cells.get(mapping.date_column, ""),
        cells.get(mapping.time_column, "") if mapping.time_column else "",
        mapping.date_order,
        zone,
    )
    if day.year < EARLIEST_YEAR:
        raise BadValue("date out of range", day.isoformat())
    if day > latest:
        raise BadValue("date in the future", day.isoformat())
    label = " ".join(cells.get(mapping.mood_column, "").split())
    if not label:
        raise BadValue("no mood")
    placement = mapping.moods.get(mood_key(label))
    if placement is None:
        raise BadValue("mood not placed on the grid", label[:40])
    return Entry(
        line=line,
        local_date=day,
        local_time=time,
        pleasantness=placement.pleasantness,
        energy=placement.energy,
        energy_estimated=placement.estimated,
        mood_label=label,
        tags=file_tags(
            split_tags(cells.get(mapping.tags_column, ""), mapping.tags_separator), mapping
        )
        if mapping.tags_column
        else (),
        note=join_note([cells.get(name, "") for name in mapping.note_columns]),
        felt_at=felt_at,
    )
