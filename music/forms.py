from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from imports.registry import kinds_for as importers_for
from mood.values import MOOD_MAX, MOOD_MIN
from music.library import SORTS

SEARCH_MAX = 100


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What are you bringing?")
    file = forms.FileField(label="File")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        importers = importers_for("music")
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (importer.kind, importer.label) for importer in importers
        ]
        accept = sorted({ext for imp in importers for ext in imp.accept.split(",") if ext})
        self.fields["file"].widget.attrs["accept"] = ",".join(accept)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                f"This file is larger than {limit // (1024 * 1024)} MB, the most we can take "
                "in one upload. If it is a zip, try uploading the files inside it one by one."
            )
        if not upload.size:
            raise forms.ValidationError("This file is empty.")
        return upload


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX, label="Search")
    sort = forms.ChoiceField(
        required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )
    quadrant = forms.ChoiceField(
        required=False,
        label="Feel",
        choices=[
            ("", "Any feel"),
            ("yellow", "Bright (pleasant, high energy)"),
            ("green", "Calm (pleasant, low energy)"),
            ("red", "Stirred (unpleasant, high energy)"),
            ("blue", "Heavy (unpleasant, low energy)"),
            ("neutral", "In between"),
            ("unknown", "Not known yet"),
        ],
    )
    comfort = forms.BooleanField(required=False, label="Comfort songs only")

    def clean_q(self) -> str:
        # Search text is only ever compared, never stored: drop what cannot be.
        from config.text import scrub

        return scrub(self.cleaned_data.get("q") or "").strip()


def parse_point(value: str) -> tuple[int, int] | None:
    try:
        p_text, e_text = value.split(",")
        p, e = int(p_text), int(e_text)
    except ValueError:
        return None
    if MOOD_MIN <= p <= MOOD_MAX and MOOD_MIN <= e <= MOOD_MAX:
        return p, e
    return None
