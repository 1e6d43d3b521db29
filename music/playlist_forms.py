"""Forms for making and editing playlists (views in music/views/playlists.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from config.text import CleanCharField
from mood.values import MOOD_MAX, MOOD_MIN
from music.models import Playlist
from music.playlist_engine import MAX_LENGTH, MIN_LENGTH, PRESETS, Point


def parse_point(value: str) -> Point:
    """'p,e' from a mood grid cell, each an integer from -4 to 4."""
    try:
        p_text, e_text = value.split(",")
        p, e = int(p_text), int(e_text)
    except ValueError:
        raise ValidationError("Please choose a point on the grid.", code="invalid") from None
    if not (MOOD_MIN <= p <= MOOD_MAX and MOOD_MIN <= e <= MOOD_MAX):
        raise ValidationError("Please choose a point on the grid.", code="invalid")
    return (float(p), float(e))


def point_value(point: Point | None) -> str:
    if point is None:
        return ""
    return f"{round(point[0])},{round(point[1])}"


class PointField(forms.CharField):
    def to_python(self, value: object) -> Point | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_point(text)


CUSTOM = "custom"


class MakePlaylistForm(forms.Form):
    """What to make: a preset or two points, the mode and the length. Sent by GET so
    a preview is a plain link that can be reloaded or shared with oneself."""

    preset = forms.ChoiceField(
        choices=[*((key, p.name) for key, p in PRESETS.items()), (CUSTOM, "A place I choose")],
        initial="comfort",
        widget=forms.RadioSelect,
        label="Where would you like to go?",
    )
    target = PointField(required=False, label="Where to go")
    start_from = forms.ChoiceField(
        choices=[("checkin", "My latest check-in"), ("point", "A point I choose")],
        initial="checkin",
        widget=forms.RadioSelect,
        label="Where do you start?",
    )
    start = PointField(required=False, label="Where you start")
    mode = forms.ChoiceField(
        choices=Playlist.Mode.choices,
        initial=Playlist.Mode.ISO,
        widget=forms.RadioSelect,
        label="How to get there",
    )
    length = forms.IntegerField(
        min_value=MIN_LENGTH, max_value=MAX_LENGTH, initial=8, label="Number of songs"
    )
    seed = forms.IntegerField(
        min_value=0, max_value=1_000_000, initial=0, required=False, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("preset") == CUSTOM and not data.get("target"):
            self.add_error("target", "Please choose where you would like to go on the grid.")
        if data.get("start_from") == "point" and not data.get("start"):
            self.add_error("start", "Please choose where you start on the grid.")
        return data

    def generate_kwargs(self) -> dict[str, object]:
        data = self.cleaned_data
        preset = data["preset"]
        return {
            "preset": None if preset == CUSTOM else preset,
            "start": data["start"] if data["start_from"] == "point" else None,
            "target": data["target"] if preset == CUSTOM else None,
            "length": data["length"],
            "mode": data["mode"],
            "seed": data.get("seed") or 0,
        }


class SavePlaylistForm(MakePlaylistForm):
    name = CleanCharField(max_length=200, required=False, label="Name")


class RenameForm(forms.Form):
    name = CleanCharField(max_length=200, label="Name")


class RateForm(forms.Form):
    track = forms.IntegerField(widget=forms.HiddenInput)
    mood = PointField(label="How does this song feel to you?")
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_mood(self) -> Point:
        value = self.cleaned_data.get("mood")
        if value is None:
            raise ValidationError("Please choose a point on the grid.", code="required")
        return value  # type: ignore[no-any-return]
