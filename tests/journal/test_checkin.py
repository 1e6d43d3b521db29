from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from config.rows import ids_where
from journal import checkins
from journal import urls as journal_urls
from journal.forms import NoteForm
from journal.models import OWNED_SQL, CheckIn, CheckInTrack, Tag
from journal.search import search_notes
from mood.models import WORDS_OF_SQL, EmotionWord, words_of
from mood.values import Mood
from mood.vocabulary import install_vocabulary
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import recompute_feel
from music.models import Track, UserTrack

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def vocabulary(db: None) -> None:
    """The shipped words (a transactional test elsewhere may have flushed them)."""
    install_vocabulary(EmotionWord)


def word(name: str) -> EmotionWord:
    return EmotionWord.objects.get(user__isnull=True, word=name)


def tag(user: User, name: str) -> Tag:
    return Tag.objects.get(user=user, name=name)


def own_track(user: User, artist: str, title: str) -> Track:
    track = get_or_create_track(TrackInfo(artist=artist, title=title), user)
    UserTrack.objects.get_or_create(user=user, track=track)
    return track


# The page ----------------------------------------------------------------


def test_it_shows_the_grid_and_a_gentle_empty_day(alice_client: Client) -> None:
    response = alice_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="mood"') == 81
    assert "Tap the square closest to how you feel" in html
    assert "data-one-tap" not in html, "a first touch shows the meaning, a second saves"
    assert "Nothing here yet today" in html
    assert "streak" not in html.lower()
    assert 'hx-history="false"' in html
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_it_saves_with_one_touch_for_those_who_chose_it(alice: User, alice_client: Client) -> None:
    response = alice_client.post(
        "/settings/",
        {
            "time_zone": "UTC",
            "one_tap_checkin": "on",
            "reflection_weekday": "0",
            "reflection_time": "08:00",
        },
    )
    assert response.status_code == 302
    html = alice_client.get("/").content.decode()
    assert "one tap saves it" in html
    assert "data-one-tap" in html


def test_it_starts_the_keyboard_on_the_last_check_in(alice: User, alice_client: Client) -> None:
    assert 'data-start="0,0"' in alice_client.get("/").content.decode()
    checkins.record_checkin(alice, Mood(-3, 2))
    assert 'data-start="-3,2"' in alice_client.get("/").content.decode()


def test_it_saves_a_check_in_with_one_tap_and_offers_words_for_that_region(
    alice: User, alice_client: Client
) -> None:
    response = alice_client.post("/", {"mood": "-3,-2"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    checkin = CheckIn.objects.get(user=alice)
    assert (checkin.pleasantness, checkin.energy) == (-3, -2)
    assert checkin.local_date == alice.local_today()
    assert checkin.time_zone == "Europe/Berlin"
    assert "Saved ✓" in html
    near = html.split("More words")[0]
    assert ">\n lonely<" in near.replace("> lonely<", ">\n lonely<") or " lonely</label>" in near
    assert " sad</label>" in near
    assert " thrilled</label>" not in near  # a bright word is not offered up front
    assert (
        'id="today-list" class="today-list" aria-labelledby="today-title" hx-swap-oob="true"'
        in html
    )


def test_it_offers_neutral_words_for_the_middle(alice_client: Client) -> None:
    html = alice_client.post("/", {"mood": "0,0"}, headers=HX).content.decode()
    near = html.split("More words")[0]
    assert " okay</label>" in near
    assert " mixed</label>" in near


def test_it_takes_a_check_in_without_javascript_end_to_end(
    alice: User, alice_client: Client
) -> None:
    """Plain forms, full pages and redirects: tap, words, note, tags, a new song."""
    response = alice_client.post("/", {"mood": "3,2"})
    checkin = CheckIn.objects.get(user=alice)
    detail = reverse("journal:checkin_detail", args=[checkin.pk])
    assert response.status_code == 302 and response["Location"] == detail
    assert "Saved. Add words" in alice_client.get(detail).content.decode()

    happy, proud = word("happy"), word("proud")
    response = alice_client.post(
        reverse("journal:checkin_words", args=[checkin.pk]), {"words": [happy.pk, proud.pk]}
    )
    assert response.status_code == 302 and response["Location"] == detail
    response = alice_client.post(
        reverse("journal:checkin_note", args=[checkin.pk]),
        {"note": "Choir night.\r\nWe sang Bach."},
    )
    assert response.status_code == 302
    sang = tag(alice, "sang")
    response = alice_client.post(
        reverse("journal:checkin_tags", args=[checkin.pk]), {"tags": [sang.pk]}
    )
    assert response.status_code == 302
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        {
            "track": "Nina Simone – Feeling Good",
            "feel_pleasantness": "3",
            "feel_energy": "2",
        },
    )
    assert response.status_code == 302

    page = alice_client.get(detail).content.decode()
    assert "Saved your song." in page
    assert "Nina Simone – Feeling Good" in page
    today = alice_client.get("/").content.decode()
    assert "Choir night.\nWe sang Bach.</p>" in today  # kept as typed; CSS keeps the line
    assert ">happy</span>" in today and ">proud</span>" in today
    assert "Tags: sang" in today
    assert "Nina Simone – Feeling Good" in today

    checkin.refresh_from_db()
    assert checkin.note == "Choir night.\nWe sang Bach."
    assert set(checkin.words.all()) == {happy, proud}
    assert list(checkin.tags.all()) == [sang]
    link = CheckInTrack.objects.get(checkin=checkin)
    assert (link.pleasantness, link.energy) == (3, 2)
    user_track = UserTrack.objects.get(user=alice, track=link.track)
    assert user_track.checkin_count == 1
    assert user_track.checkin_pleasantness == 3
    assert list(search_notes(alice, "bach")) == [checkin]


def test_it_saves_each_part_instantly_with_htmx(alice: User, alice_client: Client) -> None:
    alice_client.post("/", {"mood": "2,-2"}, headers=HX)
    checkin = CheckIn.objects.get(user=alice)
    calm = word("calm")
    response = alice_client.post(
        reverse("journal:checkin_words", args=[checkin.pk]), {"words": [calm.pk]}, headers=HX
    )
    html = response.content.decode()
    assert f'id="words-status-{checkin.pk}"' in html and "Saved ✓" in html
    assert 'hx-swap-oob="true"' in html
    assert ">calm</span>" in html  # the list below is refreshed too
    response = alice_client.post(
        reverse("journal:checkin_note", args=[checkin.pk]), {"note": "Soup."}, headers=HX
    )
    assert f'id="note-status-{checkin.pk}"' in response.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).note == "Soup."


def test_it_suggests_the_users_own_songs_and_attaches_a_picked_one(
    alice: User, bob: User, alice_client: Client
) -> None:
    mine = own_track(alice, "Erik Satie", "Gymnopédie No. 1")
    own_track(bob, "Erik Satie", "Gnossienne No. 1")  # only Bob's
    checkin = checkins.create_checkin(alice, Mood(2, -3))
    response = alice_client.get(
        reverse("journal:track_suggestions"), {"track": "satie"}, headers=HX
    )
    html = response.content.decode()
    assert "Gymnopédie No. 1" in html
    assert "Gnossienne" not in html
    assert f'name="track_id" value="{mine.pk}"' in html

    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        {"track": "satie", "track_id": str(mine.pk), "feel_pleasantness": "", "feel_energy": ""},
        headers=HX,
    )
    assert response.status_code == 200
    assert "Erik Satie – Gymnopédie No. 1" in response.content.decode()
    link = CheckInTrack.objects.get(checkin=checkin)
    assert link.track == mine and link.pleasantness is None


def test_it_offers_matching_songs_without_javascript_when_no_dash_is_typed(
    alice: User, alice_client: Client
) -> None:
    mine = own_track(alice, "Erik Satie", "Gymnopédie No. 1")
    checkin = checkins.create_checkin(alice, Mood(2, -3))
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]), {"track": "satie"}
    )
    html = response.content.decode()
    assert "with a dash between them" in html
    assert f'name="track_id" value="{mine.pk}"' in html
    assert 'value="satie"' in html
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        {"track": "satie", "track_id": mine.pk},
    )
    assert response.status_code == 302
    assert CheckInTrack.objects.get(checkin=checkin).track == mine


def test_the_check_in_page_keeps_notes_out_of_caches_and_history(
    alice: User, alice_client: Client
) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    checkins.set_note(checkin, "secret")
    for url in ("/", reverse("journal:checkin_detail", args=[checkin.pk])):
        response = alice_client.get(url)
        assert "secret" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert 'hx-history="false"' in response.content.decode()


def test_it_will_not_attach_a_song_from_someone_elses_library(
    alice: User, bob: User, alice_client: Client
) -> None:
    bobs = own_track(bob, "Joni Mitchell", "River")
    checkin = checkins.create_checkin(alice, Mood(-1, -1))
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        {"track": "", "track_id": str(bobs.pk)},
    )
    assert response.status_code == 200
    assert "couldn&#x27;t find that song" in response.content.decode()
    assert not CheckInTrack.objects.exists()


def test_it_changes_and_removes_a_songs_feel(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    link, _ = checkins.attach_typed_track(checkin, "ABBA", "Dancing Queen")
    url = reverse("journal:checkin_track_feel", args=[checkin.pk, link.pk])
    alice_client.post(url, {"feel_pleasantness": "4", "feel_energy": "3"}, headers=HX)
    link.refresh_from_db()
    assert (link.pleasantness, link.energy) == (4, 3)
    response = alice_client.post(url, {"feel_pleasantness": "4", "feel_energy": ""}, headers=HX)
    assert "Please choose both" in response.content.decode()
    link.refresh_from_db()
    assert (link.pleasantness, link.energy) == (4, 3)
    alice_client.post(reverse("journal:checkin_track_remove", args=[checkin.pk, link.pk]))
    assert not CheckInTrack.objects.exists()
    assert UserTrack.objects.get(user=alice, track=link.track).checkin_count == 0


def test_it_edits_the_mood_and_moment_inline(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    response = alice_client.get(reverse("journal:checkin_detail", args=[checkin.pk]), headers=HX)
    assert 'id="editor"' in response.content.decode()
    yesterday = alice.local_today() - dt.timedelta(days=1)
    response = alice_client.post(
        reverse("journal:checkin_detail", args=[checkin.pk]),
        {
            "pleasantness": "-2",
            "energy": "3",
            "when_date": yesterday.isoformat(),
            "when_time": "21:15",
        },
        headers=HX,
    )
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.pleasantness, checkin.energy) == (-2, 3)
    assert checkin.local_date == yesterday
    assert checkin.felt_at.astimezone(alice.zone).time() == dt.time(21, 15)


# Back-filling and time zones ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/Berlin", dt.date(2026, 3, 29)),  # clocks go forward
        ("Europe/Berlin", dt.date(2026, 10, 25)),  # clocks go back
        ("America/New_York", dt.date(2026, 11, 1)),  # clocks go back
        ("America/New_York", dt.date(2026, 3, 8)),  # clocks go forward
    ],
)
def test_it_files_a_check_in_at_2330_on_a_dst_day_under_that_local_date(
    db: None, zone: str, day: dt.date
) -> None:
    user = User.objects.create_user(
        f"{day}-{zone.replace('/', '')}@example.com", "pw", time_zone=zone
    )
    client = Client()
    client.force_login(user)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(
            "/", {"mood": "1,-1", "when_date": day.isoformat(), "when_time": "23:30"}
        )
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=user)
    assert checkin.local_date == day
    assert checkin.time_zone == zone
    local = checkin.felt_at.astimezone(zoneinfo.ZoneInfo(zone))
    assert (local.date(), local.hour, local.minute) == (day, 23, 30)
    # The UTC instant is on the next UTC day in New York, the same day in Berlin.
    assert checkin.felt_at.tzinfo is not None


def test_it_files_a_tap_at_2330_local_now_on_a_dst_day(bob: User, bob_client: Client) -> None:
    moment = dt.datetime(2026, 11, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    with time_machine.travel(moment, tick=False):
        bob_client.post("/", {"mood": "-1,-3"})
    checkin = CheckIn.objects.get(user=bob)
    assert checkin.felt_at.date() == dt.date(2026, 11, 2)  # UTC is already tomorrow
    assert checkin.local_date == dt.date(2026, 11, 1)


def test_it_refuses_a_moment_that_has_not_happened_yet(alice: User, alice_client: Client) -> None:
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    response = alice_client.post(
        "/", {"mood": "1,1", "when_date": tomorrow.isoformat(), "when_time": "09:00"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "hasn&#x27;t happened yet" in html
    assert f'value="{tomorrow.isoformat()}"' in html  # what was typed is kept
    assert not CheckIn.objects.exists()


def test_it_refuses_the_far_edges_of_the_calendar_in_any_zone(
    bob: User, bob_client: Client
) -> None:
    for day, time in (("9999-12-31", "23:30"), ("1900-01-01", "00:00"), ("1899-12-31", "")):
        response = bob_client.post("/", {"mood": "1,1", "when_date": day, "when_time": time})
        assert response.status_code in (200, 302)
    assert CheckIn.objects.filter(user=bob).count() == 1  # only 1900-01-01 is allowed


def test_it_back_fills_a_past_day_at_midday_when_no_time_is_given(
    alice: User, alice_client: Client
) -> None:
    day = alice.local_today() - dt.timedelta(days=10)
    alice_client.post("/", {"mood": "2,2", "when_date": day.isoformat()})
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.local_date == day
    assert checkin.felt_at.astimezone(alice.zone).time() == dt.time(12, 0)


# Validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please tap a square on the grid"),
        ({"mood": ""}, "Please tap a square on the grid"),
        ({"mood": "5,0"}, "That square isn"),
        ({"mood": "0,-9"}, "That square isn"),
        ({"mood": "nope"}, "That square isn"),
        ({"mood": "1,1", "when_date": "2026-13-45"}, "Please enter a date like"),
        ({"mood": "1,1", "when_time": "25:99"}, "Please enter a time like"),
        ({"mood": "1,1", "when_date": "0001-01-01"}, "after 1900"),
        ({"mood": "1\x00,1"}, "characters we can"),
    ],
)
def test_it_explains_bad_check_in_input_without_saving(
    alice_client: Client, data: dict[str, str], message: str
) -> None:
    for headers in ({}, HX):
        response = alice_client.post("/", data, headers=headers)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_explains_an_over_long_note_and_keeps_the_text(
    alice: User, alice_client: Client, settings: object
) -> None:
    checkin = checkins.create_checkin(alice, Mood(0, 0))
    checkins.set_note(checkin, "the old note")
    text = "x" * 5001
    response = alice_client.post(reverse("journal:checkin_note", args=[checkin.pk]), {"note": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Notes can be up to 5,000 characters. This one is 5,001" in html
    assert text in html
    assert CheckIn.objects.get(pk=checkin.pk).note == "the old note"
    response = alice_client.post(
        reverse("journal:checkin_note", args=[checkin.pk]), {"note": text}, headers=HX
    )
    assert response["HX-Retarget"] == f"#note-{checkin.pk}"
    assert "Notes can be up to 5,000" in response.content.decode()


def test_it_says_the_note_limit_up_front(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(0, 0))
    html = alice_client.get(reverse("journal:checkin_detail", args=[checkin.pk])).content.decode()
    assert "Up to 5,000 characters" in html


def test_it_rejects_broken_characters_in_a_note_and_keeps_the_old_one(
    alice: User, alice_client: Client
) -> None:
    checkin = checkins.create_checkin(alice, Mood(0, 0))
    response = alice_client.post(
        reverse("journal:checkin_note", args=[checkin.pk]), {"note": "a\x00b"}
    )
    assert response.status_code == 200
    assert "characters we can" in response.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).note == ""
    form = NoteForm({"note": "a\ud83db"})
    assert not form.is_valid()
    assert "characters we can" in form.errors["note"][0]


def test_it_survives_raw_surrogate_bytes_in_any_field(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(0, 0))
    body = "mood=1%2C1%ED%A0%80&note=a%ED%A0%80b&track=A%20%E2%80%93%20B%ED%A0%80&words=%ED%A0%80"
    for url in (
        "/",
        reverse("journal:checkin_note", args=[checkin.pk]),
        reverse("journal:checkin_tracks", args=[checkin.pk]),
        reverse("journal:checkin_words", args=[checkin.pk]),
        reverse("journal:checkin_detail", args=[checkin.pk]),
    ):
        response = alice_client.generic(
            "POST", url, body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (200, 302), url
    suggestions = alice_client.get(reverse("journal:track_suggestions") + "?track=%ED%A0%80%00")
    assert suggestions.status_code == 200


def test_it_rejects_unknown_words_and_tags(alice: User, bob: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    bobs_word = EmotionWord.objects.create(user=bob, word="zonked", pleasantness=-1, energy=-4)
    for value in (str(bobs_word.pk), "999999", "abc"):
        response = alice_client.post(
            reverse("journal:checkin_words", args=[checkin.pk]), {"words": value}
        )
        assert response.status_code == 200
        assert "We don&#x27;t know one of those words" in response.content.decode()
    bobs_tag = tag(bob, "sang")
    response = alice_client.post(
        reverse("journal:checkin_tags", args=[checkin.pk]), {"tags": str(bobs_tag.pk)}
    )
    assert "Please pick again" in response.content.decode()
    assert not checkin.words.exists() and not checkin.tags.exists()


def test_it_refuses_more_words_than_anyone_picks(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    words = [str(pk) for pk in EmotionWord.objects.values_list("pk", flat=True)[:101]]
    assert len(words) == 101
    response = alice_client.post(
        reverse("journal:checkin_words", args=[checkin.pk]), {"words": words}
    )
    assert "Please pick again" in response.content.decode()
    assert not checkin.words.exists()


def test_the_sql_ownership_rules_admit_what_the_filters_admit(alice: User, bob: User) -> None:
    for user in (alice, bob):
        EmotionWord.objects.create(user=user, word=f"word of {user.pk}", pleasantness=1, energy=1)
        Tag.objects.create(user=user, name=f"tag of {user.pk}")
    word_ids = list(EmotionWord.objects.values_list("pk", flat=True))
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    for user in (alice, bob):
        words = EmotionWord.objects.filter(words_of(user)).values_list("pk", flat=True)
        tags = Tag.objects.filter(user=user).values_list("pk", flat=True)
        assert ids_where(EmotionWord, word_ids, WORDS_OF_SQL, [user.pk]) == set(words)
        assert ids_where(Tag, tag_ids, OWNED_SQL, [user.pk]) == set(tags)
        assert set(words) != set(word_ids) and set(tags) != set(tag_ids)  # the rules exclude


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"track": ""}, "Please type a song"),
        ({"track": "just a title"}, "with a dash between them"),
        ({"track": "A – B", "feel_pleasantness": "2"}, "Please choose both"),
        ({"track": "A – B", "feel_pleasantness": "9", "feel_energy": "1"}, "from −4 to +4"),
        ({"track": "A – B\x00"}, "characters we can"),
        ({"track_id": "x"}, "find that song in your music"),
        ({"track_id": "0"}, "find that song in your music"),
        ({"track_id": str(2**64)}, "find that song in your music"),
        ({"track_id": "999999"}, "find that song in your music"),
    ],
)
def test_it_explains_bad_song_input_and_keeps_the_text(
    alice: User, alice_client: Client, data: dict[str, str], message: str
) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    response = alice_client.post(
        reverse("journal:checkin_tracks", args=[checkin.pk]), data, headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    if data.get("track") and "\x00" not in data["track"]:
        assert data["track"].replace("–", "–") in html
    assert not CheckInTrack.objects.exists()


# Delete and undo ------------------------------------------------------------


def test_it_deletes_with_undo_for_two_minutes(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(-2, 2))
    response = alice_client.post(reverse("journal:checkin_delete", args=[checkin.pk]), headers=HX)
    html = response.content.decode()
    assert "Deleted the check-in" in html and "Undo" in html
    assert (
        '<div id="checkin-area" hx-swap-oob="true" tabindex="-1" data-grid-focus>' in html
    )  # the grid, not a stale editor
    assert not CheckIn.objects.live().filter(pk=checkin.pk).exists()
    assert alice_client.get(reverse("journal:checkin_detail", args=[checkin.pk])).status_code == 404

    response = alice_client.post(reverse("journal:checkin_restore", args=[checkin.pk]), headers=HX)
    assert response.status_code == 200
    assert CheckIn.objects.live().filter(pk=checkin.pk).exists()


def test_it_deletes_and_undoes_without_javascript(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(-2, 2))
    response = alice_client.post(reverse("journal:checkin_delete", args=[checkin.pk]), follow=True)
    html = response.content.decode()
    assert "Check-in deleted. You can undo this for 2 minutes." in html
    assert reverse("journal:checkin_restore", args=[checkin.pk]) in html
    alice_client.post(reverse("journal:checkin_restore", args=[checkin.pk]))
    assert CheckIn.objects.live().filter(pk=checkin.pk).exists()


def test_it_cannot_undo_after_the_window_and_purges_later(
    alice: User, alice_client: Client
) -> None:
    start = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        old = checkins.create_checkin(alice, Mood(1, 1))
        alice_client.post(reverse("journal:checkin_delete", args=[old.pk]))
    with time_machine.travel(start + dt.timedelta(seconds=checkins.UNDO_SECONDS - 1), tick=False):
        assert checkins.can_undo(CheckIn.objects.get(pk=old.pk))
    with time_machine.travel(start + dt.timedelta(seconds=checkins.UNDO_SECONDS + 1), tick=False):
        response = alice_client.post(reverse("journal:checkin_restore", args=[old.pk]), follow=True)
        assert "can&#x27;t be brought back" in response.content.decode()
        assert not CheckIn.objects.live().filter(pk=old.pk).exists()
        other = checkins.create_checkin(alice, Mood(2, 2))
        alice_client.post(reverse("journal:checkin_delete", args=[other.pk]))
    assert not CheckIn.objects.filter(pk=old.pk).exists()  # purged for good
    assert CheckIn.objects.filter(pk=other.pk).exists()  # still undoable


def test_a_deleted_check_in_no_longer_counts_for_its_song(alice: User) -> None:
    checkin = checkins.create_checkin(alice, Mood(3, 3))
    link, _ = checkins.attach_typed_track(checkin, "Queen", "Don't Stop Me Now")
    assert UserTrack.objects.get(user=alice, track=link.track).checkin_count == 1
    checkins.delete_checkin(checkin)
    assert UserTrack.objects.get(user=alice, track=link.track).checkin_count == 0
    checkins.undo_delete(checkin)
    assert UserTrack.objects.get(user=alice, track=link.track).checkin_count == 1


# Privacy --------------------------------------------------------------------


def checkin_urls(checkin: CheckIn, link: CheckInTrack) -> list[str]:
    """Every check-in URL in the URLconf, so a new one cannot escape the test."""
    ids = {"pk": checkin.pk, "link_pk": link.pk}
    urls = []
    for pattern in journal_urls.urlpatterns:
        converters = set(pattern.pattern.converters)  # type: ignore[union-attr]
        if pattern.name and pattern.name.startswith("checkin_") and "pk" in converters:  # type: ignore[union-attr]
            urls.append(reverse(f"journal:{pattern.name}", kwargs={k: ids[k] for k in converters}))  # type: ignore[union-attr]
    assert len(urls) >= 9
    return urls


def test_another_users_check_in_is_404_on_every_check_in_url(
    alice: User, bob_client: Client
) -> None:
    checkin = checkins.create_checkin(alice, Mood(-4, -4))
    checkins.set_note(checkin, "private")
    checkins.set_words(checkin, [word("sad")])
    link, _ = checkins.attach_typed_track(checkin, "Adele", "Someone Like You", Mood(-2, -2))
    for url in checkin_urls(checkin, link):
        for method in ("get", "post", "delete"):
            response = getattr(bob_client, method)(
                url,
                {"note": "hacked", "words": [], "pleasantness": "4", "energy": "4"}
                if method == "post"
                else None,
            )
            assert response.status_code == 404, (method, url, response.status_code)
    checkin = CheckIn.objects.get(pk=checkin.pk)
    assert checkin.deleted_at is None
    assert (checkin.pleasantness, checkin.energy) == (-4, -4)
    assert checkin.note == "private"
    assert list(checkin.words.all()) == [word("sad")]
    assert CheckInTrack.objects.filter(pk=link.pk, pleasantness=-2).exists()


def test_a_song_link_of_another_check_in_is_404(alice: User, alice_client: Client) -> None:
    first = checkins.create_checkin(alice, Mood(1, 1))
    second = checkins.create_checkin(alice, Mood(2, 2))
    link, _ = checkins.attach_typed_track(first, "ABBA", "SOS")
    url = reverse("journal:checkin_track_remove", args=[second.pk, link.pk])
    assert alice_client.post(url).status_code == 404
    assert CheckInTrack.objects.filter(pk=link.pk).exists()


def test_one_users_words_and_tags_never_show_to_another(
    alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    EmotionWord.objects.create(user=alice, word="fizzy", pleasantness=3, energy=3)
    Tag.objects.create(user=alice, name="knitting club")
    alice_html = alice_client.post("/", {"mood": "3,3"}, headers=HX).content.decode()
    assert "fizzy" in alice_html and "knitting club" in alice_html

    bob_html = bob_client.post("/", {"mood": "3,3"}, headers=HX).content.decode()
    bob_checkin = CheckIn.objects.get(user=bob)
    pages = [
        bob_html,
        bob_client.get("/").content.decode(),
        bob_client.get(reverse("journal:checkin_detail", args=[bob_checkin.pk])).content.decode(),
        bob_client.get(reverse("journal:words")).content.decode(),
        bob_client.get(reverse("journal:tags")).content.decode(),
    ]
    for html in pages:
        assert "fizzy" not in html
        assert "knitting club" not in html


# Query counts ---------------------------------------------------------------


def fill_day(user: User, n: int) -> None:
    """n check-ins today, each with n words, n tags and n songs; n own words and tags."""
    vocabulary = list(EmotionWord.objects.filter(user__isnull=True)[:n])
    for i in range(n):
        EmotionWord.objects.create(user=user, word=f"own{i}", pleasantness=1, energy=1)
        Tag.objects.create(user=user, name=f"extra{i}")
    tags = list(Tag.objects.filter(user=user)[:n])
    for i in range(n):
        checkin = checkins.create_checkin(user, Mood(i % 9 - 4, 1))
        checkins.set_note(checkin, f"note {i}")
        checkins.set_words(checkin, vocabulary)
        checkins.set_tags(checkin, tags)
        for j in range(n):
            checkins.attach_typed_track(checkin, f"Artist {j}", f"Song {j}")


def count_queries(client: Client, method: str, url: str, data: dict | None = None, **kw) -> int:  # type: ignore[type-arg]
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data, **kw)
        assert response.status_code in (200, 302)
    return len(queries)


# The check-in page: session, user, today's check-ins, and one query each for
# their words, tags and songs (with artists).
PAGE_QUERIES = 8  # includes the two of the "On this day" card
# The tap with HTMX: session, user, savepoint + insert + release, the new
# check-in with its words/tags/songs (4), the vocabulary, the tags, what is
# playing now to offer (1; a second only when there is a song to offer), and
# today's list with its words/tags/songs (4).
TAP_QUERIES = 16


@pytest.mark.parametrize("n", [1, 8])
def test_the_check_in_page_runs_a_fixed_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: object, n: int
) -> None:
    fill_day(alice, n)
    with django_assert_num_queries(PAGE_QUERIES):  # type: ignore[operator]
        response = alice_client.get("/")
    assert response.content.decode().count('class="checkin-item"') == n


@pytest.mark.parametrize("n", [1, 8])
def test_the_check_in_post_runs_a_fixed_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: object, n: int
) -> None:
    fill_day(alice, n)
    with django_assert_num_queries(TAP_QUERIES):  # type: ignore[operator]
        response = alice_client.post("/", {"mood": "1,2"}, headers=HX)
    assert response.content.decode().count('class="checkin-item"') == n + 1
    with django_assert_num_queries(5):  # type: ignore[operator]
        # Without JavaScript: session, user, savepoint + insert + release, redirect.
        alice_client.post("/", {"mood": "1,2"})


# Saving words (or tags) with HTMX: session, user, the check-in with its
# words/tags/songs (4), the chosen words (1), the words already there (1), the
# insert (1), and today's list with its words/tags/songs (4).
WORDS_QUERIES = 13


@pytest.mark.parametrize("n", [1, 12])
def test_saving_words_and_tags_runs_a_fixed_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: object, n: int
) -> None:
    fill_day(alice, 3)
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    words = [w.pk for w in EmotionWord.objects.filter(user__isnull=True)[:n]]
    tags = [t.pk for t in Tag.objects.filter(user=alice)[:n]]
    with django_assert_num_queries(WORDS_QUERIES):  # type: ignore[operator]
        alice_client.post(
            reverse("journal:checkin_words", args=[checkin.pk]), {"words": words}, headers=HX
        )
    with django_assert_num_queries(WORDS_QUERIES):  # type: ignore[operator]
        alice_client.post(
            reverse("journal:checkin_tags", args=[checkin.pk]), {"tags": tags}, headers=HX
        )
    assert checkin.words.count() == n and checkin.tags.count() == n


def test_the_page_shows_the_on_this_day_spot_and_todays_items_only(
    alice: User, alice_client: Client
) -> None:
    old = checkins.create_checkin(alice, Mood(1, 1), dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    checkins.set_note(old, "three days ago")
    html = alice_client.get("/").content.decode()
    assert "three days ago" not in html
    assert re.search(r"Today so far", html)


def whole_checkin(user: User, n: int) -> dict[str, object]:
    return {
        "mood": "2,1",
        "words": [w.pk for w in EmotionWord.objects.filter(user__isnull=True)[:n]],
        "tags": [t.pk for t in Tag.objects.filter(user=user)[:n]],
        "note": "All of it at once.",
        "track": f"Band {n} – Song {n}",
        "feel_pleasantness": "3",
        "feel_energy": "1",
    }


def test_it_takes_a_whole_check_in_in_one_post(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/", whole_checkin(alice, 3))
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.words.count() == 3 and checkin.tags.count() == 3
    assert checkin.note == "All of it at once."
    link = CheckInTrack.objects.get(checkin=checkin)
    assert (link.track.artist.name, link.track.title) == ("Band 3", "Song 3")
    assert (link.pleasantness, link.energy) == (3, 1)
    assert list(search_notes(alice, "once")) == [checkin]


def test_a_whole_check_in_with_a_bad_part_saves_nothing_and_says_why(
    alice: User, alice_client: Client
) -> None:
    data = {**whole_checkin(alice, 2), "track": "no dash here", "words": ["999999"]}
    html = alice_client.post("/", data).content.decode()
    assert "with a dash between them" in html
    assert "We don&#x27;t know one of those words" in html
    assert not CheckIn.objects.exists()


# The whole check-in in one POST (mood, n words, n tags, a note and a new
# song with its feel), without JavaScript: session, user, the chosen words and
# tags (2); in one transaction (savepoint + release here, inside the test's
# own transaction): the check-in with its sealed note (1), its search tokens
# (2), words (1), tags (1), the song looked up and created with its artist
# (8, music.catalogue), the link (1), and the user's row for the song with its
# count, means and feel (1, music.feel.fold_new_checkin).
WHOLE_POST_QUERIES = 20


@pytest.mark.parametrize("n", [1, 10])
def test_a_whole_check_in_post_runs_a_fixed_number_of_queries(
    alice: User, alice_client: Client, n: int
) -> None:
    fill_day(alice, 2)
    data = whole_checkin(alice, n)
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.post("/", data)
    assert response.status_code == 302
    assert len(queries) == WHOLE_POST_QUERIES


def test_htmx_check_ins_need_the_csrf_header(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get("/")
    token = page.cookies["csrftoken"].value
    assert client.post("/", {"mood": "1,1"}, headers=HX).status_code == 403
    response = client.post("/", {"mood": "1,1"}, headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_the_song_box_asks_for_suggestions_as_you_type(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    html = alice_client.get(reverse("journal:checkin_detail", args=[checkin.pk])).content.decode()
    assert f'hx-get="{reverse("journal:track_suggestions")}"' in html
    assert 'hx-trigger="input changed delay:200ms"' in html


def test_it_answers_huge_ids_calmly(alice: User, alice_client: Client) -> None:
    checkin = checkins.create_checkin(alice, Mood(1, 1))
    big = "9" * 30
    for url, data in [
        (reverse("journal:checkin_words", args=[checkin.pk]), {"words": big}),
        (reverse("journal:checkin_tags", args=[checkin.pk]), {"tags": big}),
        (reverse("journal:checkin_tracks", args=[checkin.pk]), {"track_id": big}),
        ("/", {"mood": "1,1", "words": big, "tags": "-" + big, "track_id": big}),
    ]:
        assert alice_client.post(url, data).status_code == 200, url
    assert alice_client.post(f"/checkins/{big}/").status_code == 404
    assert alice_client.get(f"/checkins/{big}/words/").status_code == 404
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_a_new_checkin_folds_into_the_songs_running_means_exactly(alice: User) -> None:
    """record_checkin updates the song's count and means in place; the result
    must equal a full recount, whatever order the moods came in."""
    track = get_or_create_track(TrackInfo(artist="Nina Simone", title="Feeling Good"), alice)
    checkins.record_checkin(alice, Mood(1, 1), track=(None, ("Nina Simone", "Feeling Good"), None))
    for mood in (Mood(-3, 2), Mood(4, -4), Mood(0, 0), Mood(-1, 3)):
        checkins.record_checkin(alice, mood, track=(track.pk, None, None))
    folded = UserTrack.objects.get(user=alice, track=track)
    recompute_feel(alice, [track.pk])
    recounted = UserTrack.objects.get(user=alice, track=track)
    assert folded.checkin_count == recounted.checkin_count == 5
    assert folded.checkin_pleasantness == pytest.approx(recounted.checkin_pleasantness)
    assert folded.checkin_energy == pytest.approx(recounted.checkin_energy)
    assert folded.checkin_pleasantness == pytest.approx(1 / 5)
    assert folded.checkin_energy == pytest.approx(2 / 5)
