"""Hypothesis fuzzes the check-in forms: never a 500, and what is saved reads
back exactly as typed (the note through encryption and back)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from journal import checkins
from journal.models import CheckIn, CheckInTrack, Tag
from mood.models import EmotionWord
from mood.values import Mood
from mood.vocabulary import install_vocabulary
from music.catalogue import artist_key, split_artist_title, title_key

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a browser can send: all of Unicode except lone surrogates (a
# browser turns those into U+FFFD before sending), NUL and control characters included.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
grid_value = st.integers(-6, 6)
mood_text = st.one_of(
    st.builds(lambda p, e: f"{p},{e}", grid_value, grid_value),
    any_text,
)
date_text = st.one_of(st.dates().map(str), any_text, st.just(""))
time_text = st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), any_text, st.just(""))

NOTE_LIMIT = 120


@pytest.fixture(autouse=True)
def vocabulary(db: None) -> None:
    """The shipped words (a transactional test elsewhere may have flushed them)."""
    install_vocabulary(EmotionWord)


@pytest.fixture
def small_notes(settings: object) -> None:
    settings.ATTUNE_NOTE_MAX_CHARS = NOTE_LIMIT  # type: ignore[attr-defined]


@FUZZ
@given(
    mood=mood_text,
    when_date=date_text,
    when_time=time_text,
    htmx=st.booleans(),
    west=st.booleans(),
)
def test_the_tap_never_fails_and_saves_exactly_the_mood(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    mood: str,
    when_date: str,
    when_time: str,
    htmx: bool,
    west: bool,
) -> None:
    # Alice lives east of UTC (Berlin), Bob west of it (New York).
    user, client = (bob, bob_client) if west else (alice, alice_client)
    before = set(CheckIn.objects.filter(user=user).values_list("pk", flat=True))
    response = client.post(
        "/",
        {"mood": mood, "when_date": when_date, "when_time": when_time},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code in (200, 302)
    created = CheckIn.objects.filter(user=user).exclude(pk__in=before)
    left, sep, right = mood.partition(",")
    try:
        p, e = int(left.strip()), int(right.strip())
        valid_mood = bool(sep) and -4 <= p <= 4 and -4 <= e <= 4 and "\x00" not in mood
    except ValueError:
        valid_mood = False
    if not valid_mood:
        assert not created.exists()
        return
    if created.exists():
        checkin = created.get()
        assert (checkin.pleasantness, checkin.energy) == (p, e)
        assert checkin.local_date == checkin.felt_at.astimezone(user.zone).date()
    else:
        # Refused only because of the date or time, with a message and the input kept.
        html = response.content.decode()
        assert 'class="form-errors"' in html


@FUZZ
@given(note=any_text | st.text(max_size=NOTE_LIMIT + 20), htmx=st.booleans())
def test_the_note_reads_back_exactly_through_encryption(
    alice: User, alice_client: Client, small_notes: None, note: str, htmx: bool
) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, -1))
    checkins.set_note(checkin, "before")
    response = alice_client.post(
        reverse("journal:checkin_note", args=[checkin.pk]),
        {"note": note},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code in (200, 302)
    expected = note.replace("\r\n", "\n").replace("\r", "\n")
    expected = expected if expected.strip() else ""
    saved = CheckIn.objects.get(pk=checkin.pk).note
    if "\x00" in note or len(expected) > NOTE_LIMIT:
        assert saved == "before"
        assert "characters" in response.content.decode()
    else:
        assert saved == expected


@FUZZ
@given(
    words=st.lists(st.one_of(st.integers(-5, 10**6).map(str), any_text), max_size=6),
    tags=st.lists(st.one_of(st.integers(-5, 10**6).map(str), any_text), max_size=6),
    pick_real=st.integers(0, 5),
)
def test_words_and_tags_save_exactly_or_not_at_all(
    alice: User, alice_client: Client, words: list[str], tags: list[str], pick_real: int
) -> None:
    checkin = checkins.create_checkin(alice, Mood(-2, 2))
    real_words = [str(w.pk) for w in EmotionWord.objects.filter(user__isnull=True)[:pick_real]]
    real_tags = [str(t.pk) for t in Tag.objects.filter(user=alice)[:pick_real]]
    for name, values, real, related in (
        ("words", words, real_words, checkin.words),
        ("tags", tags, real_tags, checkin.tags),
    ):
        sent = real + values
        response = alice_client.post(
            reverse(f"journal:checkin_{name}", args=[checkin.pk]), {name: sent}
        )
        assert response.status_code in (200, 302)
        saved = {str(pk) for pk in related.values_list("pk", flat=True)}
        if response.status_code == 302:
            assert saved == {value.strip() for value in sent if value.strip()}
        else:
            assert saved == set()


@FUZZ
@given(
    artist=any_text,
    title=any_text,
    separator=st.sampled_from([" – ", " - ", "—", " ", ""]),
    feel_p=st.sampled_from(["", "0", "4", "-4", "5", "x"]),
    feel_e=st.sampled_from(["", "1", "-3", "9"]),
)
# The second finds the first: names match without accents.
@example(artist="U", title="0", separator=" – ", feel_p="", feel_e="")
@example(artist="Ù", title="0", separator=" – ", feel_p="", feel_e="")
def test_a_typed_song_is_attached_as_typed_or_explained(
    alice: User,
    alice_client: Client,
    artist: str,
    title: str,
    separator: str,
    feel_p: str,
    feel_e: str,
) -> None:
    checkin = checkins.create_checkin(alice, Mood(3, 3))
    text = f"{artist}{separator}{title}"
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        {"track": text, "feel_pleasantness": feel_p, "feel_energy": feel_e},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    links = list(CheckInTrack.objects.filter(checkin=checkin).select_related("track__artist"))
    if not links:
        assert 'class="form-errors"' in response.content.decode()
        return
    (link,) = links
    shown = f"{link.track.artist.name} – {link.track.title}"
    assert link.track.artist.name and link.track.title
    # The song typed, or the library's song it matches (names compare without
    # case, accents or punctuation: "Ù – 0" finds an earlier "U – 0").
    parsed = split_artist_title(text)
    assert parsed is not None
    assert artist_key(link.track.artist.name) == artist_key(parsed[0])
    assert title_key(link.track.title) == title_key(parsed[1])
    assert (link.pleasantness, link.energy) == (
        (int(feel_p), int(feel_e)) if feel_p and feel_e else (None, None)
    )
    assert escape(shown) in alice_client.get("/").content.decode()  # listed under today
