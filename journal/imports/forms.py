"""Forms of the /import/ screens: upload, column mapping, mood placement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from accounts.forms import time_zone_choices
from journal import day_attributes
from journal.imports.mapped_csv import DATE_ORDERS, TAG_SEPARATORS, Placement
from mood.values import MOOD_RANGE

FORMATS = [
    ("auto", "Find out for me"),
    ("daylio", "Daylio (CSV export)"),
    ("csv", "Another app: I'll choose the columns"),
]
GRID_POINTS = [(f"{p},{e}", f"{p},{e}") for e in MOOD_RANGE for p in MOOD_RANGE]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Your export file",
        help_text="A .csv file, as Daylio or another mood app exports it.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )
    format = forms.ChoiceField(
        label="Where is it from?", choices=FORMATS, initial="auto", widget=forms.RadioSelect
    )
    time_zone = forms.ChoiceField(
        label="Time zone of the entries",
        choices=time_zone_choices,
        help_text="Where you were when you wrote them. Each entry lands on its own date there.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size and upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; Attune accepts up to "
                f"{filesizeformat(limit)} here. For bigger exports, whoever runs this Attune "
                "can use the import_journal command."
            )
        if not upload.size:
            raise forms.ValidationError("This file is empty.")
        return upload


def column_choices(header: list[str], optional: bool) -> list[tuple[str, str]]:
    first = [("", "— not in this file —" if optional else "— choose a column —")]
    return first + [(name, name) for name in header]


GUESSES = {
    "date_column": ("full_date", "date", "day", "datetime", "timestamp", "created"),
    "time_column": ("time", "hour"),
    "mood_column": ("mood", "feeling", "feelings", "rating", "emotion", "score", "feel"),
    "tags_column": ("activities", "tags", "activity", "tag", "labels"),
    "note_column": ("note", "entry", "notes", "text", "journal", "body", "memo", "comment"),
    "note_title_column": ("note_title", "title", "subject", "headline"),
    "sleep_hours_column": ("sleep", "hours slept", "sleep hours", "sleep_hours", "slept"),
    "exercise_minutes_column": ("exercise", "exercise minutes", "exercise_minutes", "workout"),
    "music_minutes_column": ("music_minutes", "practice", "practice minutes", "instrument"),
}
# The day-attribute column fields, by the kind each fills.
ATTRIBUTE_FIELDS = {f"{kind}_column": kind for kind in day_attributes.SPECS}


def guess_columns(header: list[str]) -> dict[str, str]:
    names = {name.casefold(): name for name in header}
    guesses = {}
    for field, candidates in GUESSES.items():
        guesses[field] = next((names[c] for c in candidates if c in names), "")
    return guesses


class ColumnsForm(forms.Form):
    date_column = forms.ChoiceField(label="Date")
    time_column = forms.ChoiceField(label="Time", required=False)
    mood_column = forms.ChoiceField(label="Mood")
    tags_column = forms.ChoiceField(label="Tags or activities", required=False)
    note_title_column = forms.ChoiceField(label="Note title", required=False)
    note_column = forms.ChoiceField(label="Note", required=False)
    date_order = forms.ChoiceField(label="Dates are written", choices=list(DATE_ORDERS.items()))
    tags_separator = forms.ChoiceField(
        label="Tags are separated by", choices=list(TAG_SEPARATORS.items())
    )

    def __init__(self, header: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in ATTRIBUTE_FIELDS.items():
            spec = day_attributes.SPECS[kind]
            self.fields[name] = forms.ChoiceField(
                label=f"{spec.label} (optional)",
                required=False,
                help_text=f"A number of {spec.unit} for the day, like {spec.example}.",
            )
        for name, field in self.fields.items():
            if name.endswith("_column"):
                field.choices = column_choices(header, optional=not field.required)  # type: ignore[attr-defined]
        self.fields["time_column"].help_text = "Without one, entries are placed at noon."
        self.fields["date_order"].help_text = "When unclear (03/04/2026), day first is assumed."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("date_column", "mood_column", "time_column", "tags_column", *ATTRIBUTE_FIELDS)
        chosen = [data.get(name) for name in names if data.get(name)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                "Each column can only be used once for date, time, mood, tags and the "
                "day's figures."
            )
        return data

    def attribute_columns(self) -> dict[str, str]:
        return {
            kind: self.cleaned_data[name]
            for name, kind in ATTRIBUTE_FIELDS.items()
            if self.cleaned_data.get(name)
        }


class MoodPlacementForm(forms.Form):
    """One grid per mood value; `labels` are the values as the file writes them."""

    def __init__(
        self,
        labels: list[str],
        guesses: dict[str, Placement | None],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        self.guesses = guesses
        for index, label in enumerate(labels):
            guess = guesses.get(label)
            # A mood with a first guess is already placed: leaving it alone keeps it.
            self.fields[f"mood_{index}"] = forms.ChoiceField(
                label=label,
                choices=GRID_POINTS,
                required=guess is None,
                initial=f"{guess.pleasantness},{guess.energy}" if guess else None,
                error_messages={"required": f"Please place “{label}” on the grid."},
            )

    def placements(self) -> dict[str, Placement]:
        placed: dict[str, Placement] = {}
        for index, label in enumerate(self.labels):
            guess = self.guesses.get(label)
            value = self.cleaned_data.get(f"mood_{index}")
            if not value and guess is not None:
                placed[label] = guess
                continue
            p, e = (int(part) for part in str(value).split(","))
            # Energy stays "estimated" only when a pleasantness-only guess was kept.
            estimated = bool(
                guess and guess.estimated and (p, e) == (guess.pleasantness, guess.energy)
            )
            placed[label] = Placement(p, e, estimated)
        return placed

    def grids(self) -> list[dict[str, Any]]:
        """What the template needs to draw each grid."""
        out = []
        for index, label in enumerate(self.labels):
            bound = self[f"mood_{index}"]
            out.append(
                {
                    "name": bound.html_name,
                    "label": label,
                    "selected": str(bound.value() or ""),
                    "errors": bound.errors,
                }
            )
        return out


KEEP_AS_IS = ""


class ActivityChoiceForm(forms.Form):
    """For each activity that seems to mean an existing tag: file it under
    that tag (proposed), another tag, or keep it as a tag of its own."""

    def __init__(
        self,
        proposals: dict[str, str],
        tags: list[str],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = list(proposals)
        for index, (activity, proposed) in enumerate(proposals.items()):
            self.fields[f"activity_{index}"] = forms.ChoiceField(
                label=f"“{activity}”",
                required=False,
                initial=proposed,
                choices=[(KEEP_AS_IS, f"Keep “{activity}” as its own tag")]
                + [(tag, f"File under your tag “{tag}”") for tag in tags],
            )

    def choices(self) -> dict[str, str]:
        """Activity (folded) → the tag chosen for it, for those filed under one."""
        return {
            activity.casefold(): self.cleaned_data[f"activity_{index}"]
            for index, activity in enumerate(self.activities)
            if self.cleaned_data.get(f"activity_{index}")
        }
