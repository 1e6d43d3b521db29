"""The history timeline: filters that live in the URL, and keyset pagination.

Pages are cut on (felt_at, id) rather than OFFSET, so the tenth page costs what
the first does and a check-in added meanwhile never shifts or repeats rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import OuterRef, Q, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accounts.models import zone_or_utc
from config.text import CleanCharField
from journal.listening import CONTEXT_WINDOW
from journal.models import CheckIn, CheckInTrack, Tag
from mood.models import EmotionWord
from mood.values import Quadrant
from music.models import Artist, Listen, Track

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 20
EXCERPT_CHARS = 160

QUADRANT_FILTERS: dict[str, Q] = {
    Quadrant.YELLOW: Q(pleasantness__gt=0, energy__gt=0),
    Quadrant.RED: Q(pleasantness__lt=0, energy__gt=0),
    Quadrant.BLUE: Q(pleasantness__lt=0, energy__lt=0),
    Quadrant.GREEN: Q(pleasantness__gt=0, energy__lt=0),
    Quadrant.NEUTRAL: Q(pleasantness=0) | Q(energy=0),
}

# The filter parameters, in the order they appear in a bookmarked URL.
FILTER_KEYS = ("from", "to", "quadrant", "word", "tag", "track", "artist", "q")


class QuickSelect(forms.Select):
    """A <select> rendered in Python: Django renders each option through a
    template, which for a hundred words was the slowest part of the page."""

    def render(  # type: ignore[override]
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        choices: Any = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # Its own iteration runs queryset.iterator(): on PostgreSQL a
            # server-side cursor, three round trips for a hundred rows.
            field = choices.field
            first = [("", field.empty_label)] if field.empty_label is not None else []
            choices = first + [(obj.pk, field.label_from_instance(obj)) for obj in choices.queryset]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) == chosen else "", label)
                for key, label in choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class HistoryFilterForm(forms.Form):
    """The timeline filters, read from GET. Every choice is scoped to the user,
    so another person's word, tag, track or artist id is simply not valid."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    quadrant = forms.ChoiceField(
        label="Mood",
        required=False,
        choices=[("", "Any mood"), *((q.value, f"{q.label} ({q.description})") for q in Quadrant)],
        error_messages={"invalid_choice": "Please pick one of the moods in the list."},
    )
    word = forms.ModelChoiceField(
        label="Word",
        required=False,
        queryset=EmotionWord.objects.none(),
        empty_label="Any word",
        widget=QuickSelect,
        error_messages={"invalid_choice": "That word is not one you have used. Pick one above."},
    )
    tag = forms.ModelChoiceField(
        label="Tag",
        required=False,
        queryset=Tag.objects.none(),
        empty_label="Any tag",
        widget=QuickSelect,
        error_messages={"invalid_choice": "That tag is not one of yours. Pick one above."},
    )
    track = forms.IntegerField(required=False, widget=forms.HiddenInput)
    artist = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = CleanCharField(label="Search your notes", required=False, max_length=200)

    def __init__(self, user: User, data: QueryDict) -> None:
        super().__init__(data)
        self.user = user
        self.params = data
        word_field: Any = self.fields["word"]
        # IN (the user's word links) rather than a join and DISTINCT over every
        # check-in's words, or a correlated EXISTS: for 3 years of check-ins
        # the fastest of the three on PostgreSQL and on SQLite (4 ms there
        # against 12 and 48; docs/reading-performance.md).
        used = CheckIn.words.through.objects.filter(checkin__user=user).values("emotionword_id")
        word_field.queryset = EmotionWord.objects.for_user(user).filter(pk__in=used)
        tag_field: Any = self.fields["tag"]
        tag_field.queryset = Tag.objects.filter(user=user)

    def add_prefix(self, field_name: str) -> str:
        # The URL says "from" and "to" (short, readable bookmarks), names a
        # form field cannot have.
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        track_id = data.get("track")
        if track_id is not None:
            track = (
                Track.objects.select_related("artist")
                .filter(pk=track_id, owner=self.user, checkin_links__checkin__user=self.user)
                .first()
            )
            if track is None:
                self.add_error("track", "That song is not in your check-ins.")
            data["track_obj"] = track
        artist_id = data.get("artist")
        if artist_id is not None:
            artist = Artist.objects.filter(
                pk=artist_id, owner=self.user, tracks__checkin_links__checkin__user=self.user
            ).first()
            if artist is None:
                self.add_error("artist", "That artist is not in your check-ins.")
            data["artist_obj"] = artist
        return data


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str


@dataclass
class Filters:
    """Validated filters; `active` lists the chips shown above the timeline."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    quadrant: Quadrant | None = None
    word: EmotionWord | None = None
    tag: Tag | None = None
    track: Track | None = None
    artist: Artist | None = None
    query: str = ""
    invalid: bool = False
    active: list[Chip] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: HistoryFilterForm) -> Filters:
        if not form.is_valid():
            return cls(invalid=True)
        data = form.cleaned_data
        filters = cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            quadrant=Quadrant(data["quadrant"]) if data.get("quadrant") else None,
            word=data.get("word"),
            tag=data.get("tag"),
            track=data.get("track_obj"),
            artist=data.get("artist_obj"),
            query=(data.get("q") or "").strip(),
        )
        params = form.params
        chip = filters._chip
        if filters.date_from and filters.date_to and filters.date_from == filters.date_to:
            chip(params, ("from", "to"), "Day", f"{filters.date_from:%A %-d %B %Y}")
        else:
            if filters.date_from:
                chip(params, ("from",), "From", f"{filters.date_from:%-d %B %Y}")
            if filters.date_to:
                chip(params, ("to",), "To", f"{filters.date_to:%-d %B %Y}")
        if filters.quadrant:
            chip(params, ("quadrant",), "Mood", filters.quadrant.label)
        if filters.word:
            chip(params, ("word",), "Word", filters.word.word)
        if filters.tag:
            chip(params, ("tag",), "Tag", filters.tag.name)
        if filters.track:
            track = filters.track
            chip(params, ("track",), "Song", f"{track.title} by {track.artist.name}")
        if filters.artist:
            chip(params, ("artist",), "Artist", filters.artist.name)
        if filters.query:
            chip(params, ("q",), "Notes containing", filters.query)
        return filters

    def _chip(self, params: QueryDict, keys: tuple[str, ...], label: str, value: str) -> None:
        """An active filter, with the URL of the same view without it."""
        rest = params.copy()
        for key in (*keys, "after"):
            rest.pop(key, None)
        self.active.append(Chip(label, value, "?" + rest.urlencode()))


def _json_rows(related: QuerySet[Any], **fields: str) -> Subquery:
    """A check-in's related rows as the inside of a JSON array, in one
    correlated subquery: JSON escapes every name, so "," is a safe separator.
    Unordered: SQLite before 3.44 cannot order inside an aggregate, so
    `details()` sorts the few rows of each check-in in Python."""
    return Subquery(
        related.filter(checkin_id=OuterRef("pk"))
        .values("checkin_id")
        .annotate(rows=StringAgg(Cast(JSONObject(**fields), TextField()), Value(",")))
        .values("rows")
    )


def with_details(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    """Words, tags and songs in the same query as the check-ins, so a page or
    a card costs one query whether it finds nothing or many (read them back
    with `details()`)."""
    return checkins.annotate(
        words_json=_json_rows(
            CheckIn.words.through.objects.all(), id="emotionword_id", name="emotionword__word"
        ),
        tags_json=_json_rows(
            CheckIn.tags.through.objects.all(),
            id="tag_id",
            name="tag__name",
            position="tag__position",
        ),
        tracks_json=_json_rows(
            CheckInTrack.objects.all(),
            id="track_id",
            title="track__title",
            artist_id="track__artist_id",
            artist="track__artist__name",
            position="position",
            link="id",
        ),
        heard_json=_heard_rows(),
    )


def _heard_rows() -> Subquery:
    """The songs heard in the half hour before a check-in (journal/listening.py),
    in the same way: one correlated subquery on the listens' (user, time) index."""
    return Subquery(
        Listen.objects.filter(
            user_id=OuterRef("user_id"),
            played_at__gt=OuterRef("felt_at") - CONTEXT_WINDOW,
            played_at__lte=OuterRef("felt_at"),
            skipped=False,
        )
        .order_by()
        .values("user_id")
        .annotate(
            rows=StringAgg(
                Cast(
                    JSONObject(
                        id="track_id",
                        title="track__title",
                        artist_id="track__artist_id",
                        artist="track__artist__name",
                        at="played_at",
                    ),
                    TextField(),
                ),
                Value(","),
            )
        )
        .values("rows")
    )


@dataclass(frozen=True)
class Details:
    words: list[dict[str, Any]]  # id, name
    tags: list[dict[str, Any]]  # id, name, position
    tracks: list[dict[str, Any]]  # id, title, artist_id, artist, position, link
    heard: list[dict[str, Any]]  # id, title, artist_id, artist: heard before, not attached


# How each list is shown: words alphabetically, tags and songs in their order.
DETAIL_ORDER: dict[str, Callable[[dict[str, Any]], Any]] = {
    "words_json": lambda row: (row["name"].casefold(), row["name"]),
    "tags_json": lambda row: (row["position"], row["name"].casefold()),
    "tracks_json": lambda row: (row["position"], row["link"]),
    "heard_json": lambda row: row["at"],
}


def details(checkin: CheckIn) -> Details:
    """The words, tags and songs `with_details` put on a check-in."""

    def rows(name: str) -> list[dict[str, Any]]:
        text = getattr(checkin, name, None)
        found: list[dict[str, Any]] = json.loads(f"[{text}]") if text else []
        return sorted(found, key=DETAIL_ORDER[name])

    tracks = rows("tracks_json")
    return Details(
        rows("words_json"), rows("tags_json"), tracks, only_heard(tracks, rows("heard_json"))
    )


def only_heard(
    tracks: list[dict[str, Any]], heard_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The songs heard around a check-in that it does not have attached, each
    once, in the order first heard (`heard_rows` sorted by time)."""
    attached = {row["id"] for row in tracks}
    heard: dict[int, dict[str, Any]] = {}
    for row in heard_rows:
        if row["id"] not in attached:
            heard.setdefault(row["id"], row)
    return list(heard.values())


def encode_cursor(checkin: CheckIn) -> str:
    stamp = checkin.felt_at.astimezone(dt.UTC)
    micros = (stamp - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    return f"{micros}_{checkin.pk}"


def decode_cursor(value: str) -> tuple[dt.datetime, int] | None:
    micros, sep, pk = value.partition("_")
    if not sep:
        return None
    try:
        stamp = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
        return stamp, int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass
class Entry:
    """One check-in as the timeline shows it, prepared in Python (a page is
    20 of these; doing it here keeps the template to plain lookups)."""

    checkin: CheckIn
    quadrant: Quadrant
    shape: str
    local_time: str
    words: list[Link]
    tags: list[Link]
    songs: list[tuple[Link, Link]]  # (song, artist)
    excerpt: str
    heard: list[tuple[Link, Link]] = field(default_factory=list)  # heard around then
    entry_url: str = ""  # the whole entry's page


@dataclass
class Page:
    entries: list[Entry]
    next_cursor: str | None
    html: SafeString = field(default_factory=lambda: mark_safe(""))  # the entries, rendered

    @property
    def checkins(self) -> list[CheckIn]:
        return [entry.checkin for entry in self.entries]


def filter_links(base_url: str, params: QueryDict) -> dict[str, str]:
    """For each of word, tag, track and artist: the current view's URL with
    that filter about to be set (append the id), back on the first page."""
    links = {}
    for key in ("word", "tag", "track", "artist"):
        rest = params.copy()
        for drop in (key, "after"):
            rest.pop(drop, None)
        query = rest.urlencode()
        links[key] = f"{base_url}?{query}{'&' if query else ''}{key}="
    # A song heard around a check-in links to its own page (append "<id>/").
    links["song_page"] = reverse("journal:music_track", args=[0]).removesuffix("0/")
    # Each entry opens whole at its own page (append "<id>/").
    links["entry"] = reverse("journal:history_entry", args=[0]).removesuffix("0/")
    return links


def entry_for(checkin: CheckIn, found: Details, links: dict[str, str], home_zone: str) -> Entry:
    """One check-in as the timeline shows it, with its words, tags and songs
    (`found`), each linked through `links` (from `filter_links`)."""
    from journal.templatetags.mood import QUADRANT_SHAPES

    quadrant = checkin.quadrant
    local = checkin.felt_at.astimezone(zone_or_utc(checkin.time_zone))
    when = f"{local:%A} {local.day} {local:%B %Y, %H:%M}"
    if checkin.time_zone != home_zone:
        # Made while away: the clock time there, and where "there" was.
        when += f" ({checkin.time_zone.replace('_', ' ')} time)"
    return Entry(
        checkin=checkin,
        quadrant=quadrant,
        shape=QUADRANT_SHAPES[quadrant],
        local_time=when,
        words=[Link(w["name"], f"{links['word']}{w['id']}") for w in found.words],
        tags=[Link(t["name"], f"{links['tag']}{t['id']}") for t in found.tags],
        songs=[
            (
                Link(song["title"], f"{links['track']}{song['id']}"),
                Link(song["artist"], f"{links['artist']}{song['artist_id']}"),
            )
            for song in found.tracks
        ],
        excerpt=note_excerpt(checkin),
        # Heard, not attached: the song's own page, not the attached-song filter.
        heard=[
            (
                Link(song["title"], f"{links['song_page']}{song['id']}/"),
                Link(song["artist"], f"{links['artist']}{song['artist_id']}"),
            )
            for song in found.heard
        ],
        entry_url=f"{links.get('entry', '')}{checkin.pk}/",
    )


def excerpt_text(note: str) -> str:
    """A note's text for an excerpt: spaces within a line collapsed, blank
    lines dropped, line breaks kept (a line in another script stays its own
    line, so each reads in its own direction)."""
    lines = (" ".join(line.split()) for line in note.splitlines())
    return "\n".join(line for line in lines if line)


def note_excerpt(checkin: CheckIn, limit: int = EXCERPT_CHARS) -> str:
    if not checkin.note_ciphertext:
        return ""
    text = excerpt_text(checkin.note)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + "…"
