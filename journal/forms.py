"""Forms for the check-in and its parts. Each rejects bad input with a message
a person can act on; nothing here raises on hostile input."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from config.rows import ids_where
from config.text import CleanCharField
from journal.checkins import FUTURE_SLACK, local_moment
from journal.models import OWNED_SQL, Tag
from mood.models import WORDS_OF_SQL, EmotionWord
from mood.values import ENERGY_WORDS, MOOD_MAX, MOOD_MIN, MOOD_RANGE, PLEASANTNESS_WORDS, Mood
from music.catalogue import split_artist_title
from music.models import UserTrack

if TYPE_CHECKING:
    from accounts.models import User

EARLIEST_DATE = dt.date(1900, 1, 1)
MOOD_MISSING = "Please tap a square on the grid to say how you feel."
MOOD_INVALID = "That square isn't on the grid. Please tap one of the squares."


def parse_mood(value: str) -> Mood | None:
    """'p,e' with both integers in -4..4, else None."""
    left, sep, right = value.partition(",")
    if not sep:
        return None
    try:
        pleasantness, energy = int(left.strip()), int(right.strip())
    except ValueError:
        return None
    if not (MOOD_MIN <= pleasantness <= MOOD_MAX and MOOD_MIN <= energy <= MOOD_MAX):
        return None
    return Mood(pleasantness, energy)


class MoodField(CleanCharField):
    """The grid's 'pleasantness,energy' value."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": MOOD_MISSING})
        super().__init__(max_length=20, **kwargs)

    def clean(self, value: Any) -> Mood | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        mood = parse_mood(text)
        if mood is None:
            raise forms.ValidationError(MOOD_INVALID, code="invalid")
        return mood


def scale_choices(words: dict[int, str], blank: str | None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    return choices + [(str(value), f"{value:+d} · {words[value]}") for value in MOOD_RANGE]


class ScaleField(forms.TypedChoiceField):
    def __init__(self, words: dict[int, str], *, blank: str | None = None, **kwargs: Any):
        super().__init__(
            choices=scale_choices(words, blank),
            coerce=int,
            empty_value=None,
            error_messages={"invalid_choice": "Please choose a value from −4 to +4."},
            **kwargs,
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> ScaleField:
        # Every form instance deep-copies its fields; the scale's choices never
        # change, so the copies share them (the check-in POST builds several).
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices  # type: ignore[attr-defined]
        return result  # type: ignore[return-value]


class WhenMixin(forms.Form):
    """An optional earlier moment: a date and a time on the user's clock."""

    when_date = forms.DateField(
        required=False,
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please enter a date like 2026-03-29."},
    )
    when_time = forms.TimeField(
        required=False,
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Please enter a time like 21:30."},
    )

    user: User

    def clean_with_when(self) -> dict[str, Any]:
        """The form's clean(), plus `felt_at` (None for "now") when all is valid."""
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                cleaned["felt_at"] = self.clean_when()
            except forms.ValidationError as error:
                self.add_error("when_date", error)
        return cleaned

    def clean_when(self) -> dt.datetime | None:
        date = self.cleaned_data.get("when_date")
        time = self.cleaned_data.get("when_time")
        if date is None and time is None:
            return None
        now_local = self.user.local_now()
        if date is None:
            date = now_local.date()
        if time is None:
            # A past day without a time: midday is a fair guess; today: now.
            time = now_local.time() if date == now_local.date() else dt.time(12, 0)
        if date < EARLIEST_DATE:
            raise forms.ValidationError("Please pick a date after 1900.")
        try:
            moment = local_moment(self.user, date, time.replace(tzinfo=None))
        except OverflowError:  # the last day of year 9999 west of UTC
            moment = dt.datetime.max.replace(tzinfo=dt.UTC)
        if moment > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError(
                "That moment hasn't happened yet. Please pick a time up to now."
            )
        return moment


class TappedAtField(forms.CharField):
    """The moment of a tap made offline (ISO 8601 with an offset), sent later
    by the service worker; empty for a tap sent at once."""

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(TAPPED_AT_INVALID, code="invalid")
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise forms.ValidationError(TAPPED_AT_INVALID, code="invalid") from None
        if moment.tzinfo is None or moment.year < EARLIEST_DATE.year:
            raise forms.ValidationError(TAPPED_AT_INVALID, code="invalid")
        if moment > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError(
                "That moment hasn't happened yet. Please pick a time up to now.", code="future"
            )
        return moment.astimezone(dt.UTC)


TAPPED_AT_INVALID = "We couldn't read the time of that tap. Please tap the grid again."


class CheckInForm(WhenMixin):
    """One tap on the grid, optionally for an earlier moment.

    The same POST may also carry the other parts (words, tags, note, a song
    with its feel), so a whole check-in can be sent at once; each is checked by
    its own form and its problems are reported here.

    `once` is the form's one-time key (journal.checkins.record_checkin_once):
    a new one each time the form is shown, the same one in every repeat of
    its post."""

    mood = MoodField()
    once = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "This form has expired. Please tap the grid again."},
    )
    tapped_at = TappedAtField(required=False, widget=forms.HiddenInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("once", uuid.uuid4())

    def part_forms(self) -> list[tuple[str, forms.Form]]:
        data = self.data
        parts: list[tuple[str, forms.Form]] = []
        if "words" in data:
            parts.append(("words", WordsForm(self.user, data)))
        if "tags" in data:
            parts.append(("tags", TagsForm(self.user, data)))
        if "note" in data:
            parts.append(("note", NoteForm(data)))
        if data.get("track") or data.get("track_id"):
            parts.append(("track", TrackForm(self.user, data)))
        return parts

    def clean(self) -> dict[str, Any]:
        cleaned = self.clean_with_when()
        if cleaned.get("felt_at") is None and cleaned.get("tapped_at") is not None:
            cleaned["felt_at"] = cleaned["tapped_at"]
        cleaned.update(words=[], tags=[], note="", track=None)
        for name, form in self.part_forms():
            if not form.is_valid():
                for messages in form.errors.values():
                    for message in messages:
                        self.add_error(None, message)
            elif name == "track":
                data = form.cleaned_data
                cleaned["track"] = (data["picked"], data["typed"], data["feel"])
            else:
                cleaned[name] = form.cleaned_data[name]
        return cleaned


class EditCheckInForm(WhenMixin):
    """Change the mood or the moment of an existing check-in."""

    pleasantness = ScaleField(PLEASANTNESS_WORDS, label="How pleasant")
    energy = ScaleField(ENERGY_WORDS, label="How much energy")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("when_date", "when_time"):
            self.fields[name].required = True
        self.fields["when_date"].error_messages["required"] = "Please enter the date."
        self.fields["when_time"].error_messages["required"] = "Please enter the time."

    def clean(self) -> dict[str, Any]:
        cleaned = self.clean_with_when()
        if not self.errors:
            cleaned["mood"] = Mood(cleaned["pleasantness"], cleaned["energy"])
        return cleaned


UNKNOWN_CHOICE = "We don't know one of those choices any more. Please pick again."
SONG_NOT_FOUND = "We couldn't find that song in your music. Please pick again."


class OwnedIdsField(forms.Field):
    """Several ids of `model` rows that belong to the form's user: the shipped
    and the user's own words, the user's tags... Cleans to the ids, checked
    with one plain query of ids (config.rows.ids_where). The check-in POST runs
    this on every save, where Django's ModelMultipleChoiceField would build a
    query per value and load whole rows. `owner` is the SQL condition that
    says whose rows count; the form gives it the user's id."""

    widget = forms.SelectMultiple
    MAX_IDS = 100  # far more than anyone picks; keeps the lookup bounded

    def __init__(
        self, model: type[Model], *, owner: str, unknown: str, invalid: str, **kwargs: Any
    ) -> None:
        super().__init__(required=False, **kwargs)
        self.model = model
        self.owner = owner
        self.user_id: int | None = None  # nothing counts until the form says whose
        self.error_messages.update(unknown=unknown, invalid=invalid)

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        if not isinstance(value, (list, tuple)) or len(value) > self.MAX_IDS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids: list[int] = []
        for item in value:
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if int(text) not in ids:
                ids.append(int(text))
        return ids

    def validate(self, value: list[int]) -> None:
        if value and ids_where(self.model, value, self.owner, [self.user_id]) != set(value):
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")


class WordsForm(forms.Form):
    words = OwnedIdsField(
        EmotionWord,
        owner=WORDS_OF_SQL,
        unknown="We don't know one of those words. You can add it as your own word.",
        invalid="We don't know one of those words. Please pick again.",
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["words"].user_id = user.pk  # type: ignore[attr-defined]


class TagsForm(forms.Form):
    tags = OwnedIdsField(Tag, owner=OWNED_SQL, unknown=UNKNOWN_CHOICE, invalid=UNKNOWN_CHOICE)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].user_id = user.pk  # type: ignore[attr-defined]


class NoteField(CleanCharField):
    """Plain text with line breaks. Line endings become '\\n'; other text is
    kept exactly as typed (a note of only spaces counts as empty)."""

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "" if not text.strip() else text


def note_limit() -> int:
    return int(settings.ATTUNE_NOTE_MAX_CHARS)


UNREADABLE_NOTE_MESSAGE = (
    "This note can't be read with the keys this server has, so it can't be changed "
    "here. It is kept exactly as it was: whoever runs this Attune can bring back the "
    "key it was written with, and then it opens again."
)


class NoteForm(forms.Form):
    note = NoteField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, unreadable: bool = False, **kwargs: Any) -> None:
        """`unreadable`: the stored note is one no key of this server opens. The
        editor showed no text for it, so saving would replace the only copy."""
        super().__init__(*args, **kwargs)
        self.unreadable = unreadable
        # No maxlength attribute: a browser would cut a pasted note silently.
        self.fields[
            "note"
        ].help_text = f"Up to {note_limit():,} characters. Plain text; only you can read it."

    def clean_note(self) -> str:
        if self.unreadable:
            raise forms.ValidationError(UNREADABLE_NOTE_MESSAGE)
        text: str = self.cleaned_data["note"]
        if len(text) > note_limit():
            raise forms.ValidationError(
                f"Notes can be up to {note_limit():,} characters. "
                f"This one is {len(text):,}; please shorten it a little."
            )
        return text


class TrackForm(forms.Form):
    """Attach a song: one picked from the user's library (track_id) or typed as
    'Artist – Title'. The feel (how the song made them feel) is optional."""

    # Bounded like a database id, so a tampered value is a form error, never a
    # number the database driver cannot bind.
    track_id = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), SONG_NOT_FOUND),
    )
    track = CleanCharField(
        required=False,
        max_length=400,
        label="What are you listening to?",
        help_text="Start typing to find a song you have, or type “Artist – Title” to add one.",
    )
    feel_pleasantness = ScaleField(
        PLEASANTNESS_WORDS, blank="— not sure —", required=False, label="How pleasant it felt"
    )
    feel_energy = ScaleField(
        ENERGY_WORDS, blank="— not sure —", required=False, label="How much energy it had"
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        p, e = cleaned.get("feel_pleasantness"), cleaned.get("feel_energy")
        if (p is None) != (e is None):
            self.add_error(
                "feel_pleasantness",
                "Please choose both how pleasant and how energetic the song felt, "
                "or leave both on “not sure”.",
            )
            return cleaned
        cleaned["feel"] = Mood(p, e) if p is not None and e is not None else None
        cleaned["picked"] = None
        cleaned["typed"] = None
        track_id = cleaned.get("track_id")
        text = (cleaned.get("track") or "").strip()
        if track_id is not None:
            mine = ids_where(UserTrack, [track_id], OWNED_SQL, [self.user.pk], column="track_id")
            if not mine:
                self.add_error("track", SONG_NOT_FOUND)
            else:
                cleaned["picked"] = track_id
        elif not text:
            self.add_error("track", "Please type a song as “Artist – Title”.")
        else:
            parts = split_artist_title(text)
            if parts is None:
                self.add_error(
                    "track",
                    "Please type the artist and the title with a dash between them, "
                    "like “Nina Simone – Feeling Good”, or pick a song from the list.",
                )
            else:
                cleaned["typed"] = parts
        return cleaned


class TrackFeelForm(forms.Form):
    feel_pleasantness = TrackForm.base_fields["feel_pleasantness"]
    feel_energy = TrackForm.base_fields["feel_energy"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p, e = cleaned.get("feel_pleasantness"), cleaned.get("feel_energy")
        if not self.errors and (p is None) != (e is None):
            self.add_error(
                "feel_pleasantness",
                "Please choose both how pleasant and how energetic the song felt, "
                "or leave both on “not sure”.",
            )
        elif not self.errors:
            cleaned["feel"] = Mood(p, e) if p is not None and e is not None else None
        return cleaned


class CustomWordForm(forms.Form):
    word = CleanCharField(max_length=40, label="Your word")
    definition = CleanCharField(
        max_length=200, required=False, label="What it means to you (optional)"
    )
    mood = MoodField(
        error_messages={"required": "Please place your word on the grid."},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_word(self) -> str:
        word = " ".join(self.cleaned_data["word"].split())
        if not word:
            raise forms.ValidationError("Please type a word.")
        if EmotionWord.objects.for_user(self.user).filter(word__iexact=word).exists():
            raise forms.ValidationError(f"“{word}” is already in your words.")
        return word


class TagForm(forms.Form):
    name = CleanCharField(max_length=40, label="Tag name")
    is_musical = forms.BooleanField(required=False, label="It's about music")

    def __init__(self, user: User, *args: Any, tag: Tag | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.tag = tag

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please type a name for the tag.")
        clash = Tag.objects.filter(user=self.user, name__iexact=name)
        if self.tag is not None:
            clash = clash.exclude(pk=self.tag.pk)
        if clash.exists():
            raise forms.ValidationError(f"You already have a tag called “{name}”.")
        return name
