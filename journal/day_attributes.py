"""Numbers about a day: hours slept, minutes of exercise, minutes playing an
instrument or singing. Every write goes through `set_day`; every reader that
needs them over a period uses `values_between` (one query).

Input is forgiving and exact: "7.5", "7,5" and "7:30" are all seven and a
half hours; minutes are whole or decimal numbers; a blank field clears the
value. Anything else is refused with a message saying what would work, and
the rest of the form is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONObject

from journal.models import CheckIn, DayAttribute

if TYPE_CHECKING:
    from accounts.models import User

Kind = DayAttribute.Kind


@dataclass(frozen=True)
class Spec:
    kind: str
    label: str  # as the editor's field shows it
    unit: str  # "hours" / "minutes"
    maximum: int
    example: str
    # How the correlations say "days above the median": "days you slept more than".
    more_than: str
    # And the name of the figure, in a sentence: "hours slept".
    noun: str


SPECS: dict[str, Spec] = {
    Kind.SLEEP: Spec(
        Kind.SLEEP, "Hours slept", "hours", 24, "7.5 or 7:30", "slept more than", "hours slept"
    ),
    Kind.EXERCISE: Spec(
        Kind.EXERCISE,
        "Minutes of exercise",
        "minutes",
        1440,
        "45",
        "exercised more than",
        "minutes of exercise",
    ),
    Kind.MUSIC_MAKING: Spec(
        Kind.MUSIC_MAKING,
        "Minutes playing or singing",
        "minutes",
        1440,
        "30",
        "played or sang more than",
        "minutes of music-making",
    ),
}
HUNDREDTH = Decimal("0.01")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_NUMBER = re.compile(r"^\d{1,4}(?:[.,]\d+)?$")


class BadValue(ValueError):
    pass


def parse_value(kind: str, text: str) -> Decimal | None:
    """The value typed for `kind`, None for blank; BadValue says why not."""
    spec = SPECS[kind]
    value = "".join(str(text).split())
    if not value:
        return None
    clock = _CLOCK.match(value) if kind == Kind.SLEEP else None
    try:
        if clock:
            number = Decimal(clock.group(1)) + Decimal(clock.group(2)) / 60
        elif _NUMBER.match(value):
            number = Decimal(value.replace(",", "."))
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise BadValue(
            f"{spec.label}: please write a number of {spec.unit}, like {spec.example}."
        ) from None
    number = number.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    if number > spec.maximum:
        raise BadValue(
            f"{spec.label}: a day holds at most {spec.maximum} {spec.unit}; "
            f"please write a number from 0 to {spec.maximum}."
        )
    return number


def show(value: Decimal | float | None) -> str:
    """7.50 → "7.5", 45.00 → "45": how a value is written back into its field."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).quantize(HUNDREDTH):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ValueField(forms.CharField):
    def __init__(self, kind: str, **kwargs: Any) -> None:
        spec = SPECS[kind]
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("label", spec.label)
        kwargs.setdefault("help_text", f"For the whole day, in {spec.unit} (like {spec.example}).")
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 6})

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_value(self.kind, text or "")
        except BadValue as problem:
            raise forms.ValidationError(str(problem)) from None


class DayAttributesForm(forms.Form):
    """One field per kind, for the day a check-in belongs to."""

    def __init__(
        self, data: Any = None, *, values: dict[str, Decimal] | None = None, **kwargs: Any
    ) -> None:
        kwargs["initial"] = {kind: show(value) for kind, value in (values or {}).items()}
        super().__init__(data, **kwargs)
        for kind in SPECS:
            self.fields[kind] = ValueField(kind)

    def values(self) -> dict[str, Decimal | None]:
        return {kind: self.cleaned_data.get(kind) for kind in SPECS}


def with_day_values(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    """Each check-in with its day's values in the same query (read them back
    with `day_values_of`), so the editor costs no extra query for them."""
    return checkins.annotate(
        day_json=Subquery(
            DayAttribute.objects.filter(
                user_id=OuterRef("user_id"), local_date=OuterRef("local_date")
            )
            .values("user_id")
            .annotate(
                rows=StringAgg(
                    Cast(JSONObject(kind="kind", value="value"), TextField()), Value(",")
                )
            )
            .values("rows")
        )
    )


def day_values_of(checkin: CheckIn) -> dict[str, Decimal]:
    text = getattr(checkin, "day_json", None)
    rows = json.loads(f"[{text}]") if text else []
    return {str(row["kind"]): Decimal(str(row["value"])) for row in rows}


def values_for(user: User, day: dt.date) -> dict[str, Decimal]:
    """The day's values by kind (one query)."""
    return dict(DayAttribute.objects.filter(user=user, local_date=day).values_list("kind", "value"))


@transaction.atomic
def set_day(user: User, day: dt.date, values: dict[str, Decimal | None]) -> None:
    """Store the given kinds for `day`: a number replaces, None clears. Kinds
    not in `values` are left as they are."""
    cleared = [kind for kind, value in values.items() if value is None]
    if cleared:
        DayAttribute.objects.filter(user=user, local_date=day, kind__in=cleared).delete()
    for kind, value in values.items():
        if value is not None:
            DayAttribute.objects.update_or_create(
                user=user, local_date=day, kind=kind, defaults={"value": value}
            )


def values_between(
    user: User, start: dt.date | None, end: dt.date | None
) -> dict[str, dict[dt.date, float]]:
    """Every value from `start` to `end`, by kind then day (one query)."""
    rows = DayAttribute.objects.filter(user=user)
    if start is not None:
        rows = rows.filter(local_date__gte=start)
    if end is not None:
        rows = rows.filter(local_date__lte=end)
    found: dict[str, dict[dt.date, float]] = {kind: {} for kind in SPECS}
    for kind, day, value in rows.order_by().values_list("kind", "local_date", "value"):
        found.setdefault(kind, {})[day] = float(value)
    return found


# The archive (journal/archive.py, journal/archive_import.py) ------------------


def archive_rows(user: User) -> Iterator[dict[str, str]]:
    """Every value as the archive writes it, oldest day first."""
    rows = DayAttribute.objects.filter(user=user).order_by("local_date", "kind")
    for day, kind, value in rows.values_list("local_date", "kind", "value").iterator(
        chunk_size=500
    ):
        yield {"local_date": day.isoformat(), "kind": kind, "value": show(value)}


def import_rows(user: User, rows: Iterable[dict[str, Any]]) -> tuple[int, int, list[str]]:
    """Bring archived values in: (added, already there, problems). A day and
    kind that already has a value keeps it, so importing twice adds nothing."""
    existing = set(DayAttribute.objects.filter(user=user).values_list("local_date", "kind"))
    fresh: dict[tuple[dt.date, str], DayAttribute] = {}
    problems: list[str] = []
    kept = 0
    for index, row in enumerate(rows, start=1):
        try:
            day = dt.date.fromisoformat(str(row["local_date"]))
            kind = str(row["kind"])
            if kind not in SPECS:
                raise BadValue(f"unknown kind {kind[:30]!r}")
            value = parse_value(kind, str(row["value"]))
            if value is None:
                raise BadValue("no value")
        except (KeyError, ValueError) as problem:
            problems.append(f"day attribute {index}: {problem}"[:200])
            continue
        if (day, kind) in existing or (day, kind) in fresh:
            kept += 1
            continue
        fresh[(day, kind)] = DayAttribute(user=user, local_date=day, kind=kind, value=value)
    DayAttribute.objects.bulk_create(fresh.values(), batch_size=1000)
    return len(fresh), kept, problems
