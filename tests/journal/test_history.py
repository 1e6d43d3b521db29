from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from journal import timeline
from tests.journal.history_data import bulk_checkins, checkin, tag, track, word

pytestmark = pytest.mark.django_db

# Frozen "now": Wednesday 15 April 2026, 12:00 in Berlin.
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)


def entries(html: str) -> list[str]:
    """The timeline entries' headings (local date and time), in page order."""
    return re.findall(r'<h3 id="entry-\d+" class="entry-time">\s*<time[^>]*>([^<]+)</time>', html)


@time_machine.travel(NOW, tick=False)
def test_it_greets_a_new_user_with_an_empty_history(alice_client: Client) -> None:
    response = alice_client.get("/history/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No check-ins yet" in html
    assert 'href="/import/">bring it with you</a>' in html
    assert "No check-ins in 2026" in html
    assert "On this day" not in html


@time_machine.travel(NOW, tick=False)
def test_it_shows_checkins_newest_first_with_words_tags_tracks_and_note(
    alice: User, alice_client: Client
) -> None:
    tender = word(alice, "tender", 2, -2)
    walk = tag(alice, "walk")
    song = track(alice, "Nils Frahm", "Says")
    checkin(alice, "2026-04-10 09:00", 2, -2, words=[tender], tags=[walk], tracks=[song])
    long_note = "Walked by the river. " * 20
    checkin(alice, "2026-04-12 21:45", -1, 3, note=long_note)
    html = alice_client.get("/history/").content.decode()
    assert entries(html) == ["Sunday 12 April 2026, 21:45", "Friday 10 April 2026, 09:00"]
    assert "tender" in html and "# walk" in html
    assert "Says</a> by <a" in html and "Nils Frahm" in html
    excerpt = re.search(r'<p class="note-excerpt" dir="auto">([^<]+)</p>', html)
    assert excerpt is not None
    assert excerpt.group(1).startswith("Walked by the river.")
    assert excerpt.group(1).endswith("…")
    assert len(excerpt.group(1)) <= timeline.EXCERPT_CHARS + 1
    assert "Stirred" in html and "slightly unpleasant, high energy" in html


@time_machine.travel(NOW, tick=False)
def test_it_never_caches_and_keeps_notes_out_of_htmx_history(
    alice: User, alice_client: Client
) -> None:
    checkin(alice, "2026-04-10 09:00", 1, 1, note="private words")
    response = alice_client.get("/history/")
    assert "no-store" in response["Cache-Control"]
    assert 'hx-history="false"' in response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert "no-store" in alice_client.get("/history/insights/")["Cache-Control"]


@time_machine.travel(NOW, tick=False)
def test_it_pages_older_checkins_by_keyset_with_and_without_htmx(
    alice: User, alice_client: Client
) -> None:
    bulk_checkins(alice, timeline.PAGE_SIZE + 5, start=dt.date(2026, 1, 1))
    html = alice_client.get("/history/").content.decode()
    first = entries(html)
    assert len(first) == timeline.PAGE_SIZE
    link = re.search(r'<a class="button secondary" href="([^"]+)" hx-get="([^"]+)"', html)
    assert link is not None
    assert 'hx-trigger="revealed"' in html
    href = link.group(1).replace("&amp;", "&")
    # Without JavaScript: a full page of older check-ins.
    older = alice_client.get(href).content.decode()
    assert len(entries(older)) == 5
    assert "Back to the newest check-ins" in older
    assert "That is the oldest check-in" in older
    # With HTMX: only the list items, to append.
    partial = alice_client.get(href, headers={"HX-Request": "true"}).content.decode()
    assert entries(partial) == entries(older)
    assert "<html" not in partial
    assert not set(entries(partial)) & set(first)


def test_it_pages_through_checkins_sharing_one_timestamp(alice: User) -> None:
    from journal.timeline_rows import timeline_page

    same = [checkin(alice, "2026-04-10 09:00", 1, 1) for _ in range(timeline.PAGE_SIZE + 3)]
    page = timeline_page(alice)
    assert page.next_cursor
    rest = timeline_page(alice, cursor=page.next_cursor)
    seen = [c.pk for c in page.checkins] + [c.pk for c in rest.checkins]
    assert sorted(seen) == sorted(c.pk for c in same)
    assert rest.next_cursor is None


@time_machine.travel(NOW, tick=False)
def test_it_combines_filters_that_live_in_the_url(alice: User, alice_client: Client) -> None:
    calm_word = word(alice, "settled", 2, -2)
    walk = tag(alice, "walk")
    song = track(alice, "Nils Frahm", "Says")
    other_song = track(alice, "Nils Frahm", "Ambre")
    checkin(alice, "2026-03-02 08:00", 2, -2, words=[calm_word], tags=[walk], tracks=[song])
    checkin(alice, "2026-03-05 08:00", 2, -1, words=[calm_word], tags=[walk], tracks=[other_song])
    checkin(alice, "2026-03-05 20:00", 3, 2, words=[calm_word], tags=[walk], tracks=[song])
    checkin(alice, "2026-02-20 08:00", 2, -2, tags=[walk], tracks=[song])

    def shown(query: str) -> list[str]:
        return entries(alice_client.get(f"/history/?{query}").content.decode())

    assert shown("quadrant=green") == [
        "Thursday 5 March 2026, 08:00",
        "Monday 2 March 2026, 08:00",
        "Friday 20 February 2026, 08:00",
    ]
    assert shown(f"quadrant=green&word={calm_word.pk}") == [
        "Thursday 5 March 2026, 08:00",
        "Monday 2 March 2026, 08:00",
    ]
    assert shown(f"quadrant=green&word={calm_word.pk}&track={song.pk}") == [
        "Monday 2 March 2026, 08:00"
    ]
    assert shown(f"artist={song.artist_id}&from=2026-03-03&to=2026-03-31&tag={walk.pk}") == [
        "Thursday 5 March 2026, 20:00",
        "Thursday 5 March 2026, 08:00",
    ]
    assert shown("from=2026-03-05&to=2026-03-05") == [
        "Thursday 5 March 2026, 20:00",
        "Thursday 5 March 2026, 08:00",
    ]
    # The bookmark reopens the same view: filters shown and form filled in.
    html = alice_client.get(f"/history/?quadrant=green&tag={walk.pk}").content.decode()
    assert "<strong>Mood:</strong> Calm" in html and "<strong>Tag:</strong> walk" in html
    # A word on an entry narrows the current view further.
    assert f'href="/history/?quadrant=green&amp;tag={walk.pk}&amp;word={calm_word.pk}"' in html
    # Each chip removes just its own filter.
    assert f'href="/history/?tag={walk.pk}" aria-label="Remove the filter Mood: Calm"' in html
    assert '<option value="green" selected>' in html
    assert f'<option value="{walk.pk}" selected>' in html


@time_machine.travel(NOW, tick=False)
def test_it_searches_notes_through_the_blind_index(alice: User, alice_client: Client) -> None:
    checkin(alice, "2026-04-01 08:00", 1, 1, note="Choir practice, felt light")
    checkin(alice, "2026-04-02 08:00", -1, -1, note="Rainy. Stayed in.")
    checkin(alice, "2026-04-03 08:00", 2, 2, note="Choir concert tonight!")
    assert entries(alice_client.get("/history/?q=choir").content.decode()) == [
        "Friday 3 April 2026, 08:00",
        "Wednesday 1 April 2026, 08:00",
    ]
    assert entries(alice_client.get("/history/?q=choir+concert").content.decode()) == [
        "Friday 3 April 2026, 08:00"
    ]
    html = alice_client.get("/history/?q=nothinglikethis").content.decode()
    assert entries(html) == []
    assert "No check-ins match these filters" in html


@time_machine.travel(NOW, tick=False)
def test_it_shows_nothing_for_another_users_words_tags_tracks_and_artists(
    alice: User, bob: User, alice_client: Client
) -> None:
    bob_word = word(bob, "bobword", 1, 1)
    bob_tag = tag(bob, "bobtag")
    bob_song = track(bob, "Bob Band", "Bob Song")
    checkin(bob, "2026-04-01 08:00", 1, 1, words=[bob_word], tags=[bob_tag], tracks=[bob_song])
    checkin(alice, "2026-04-01 08:00", 1, 1, note="mine")
    for query in (
        f"word={bob_word.pk}",
        f"tag={bob_tag.pk}",
        f"track={bob_song.pk}",
        f"artist={bob_song.artist_id}",
    ):
        response = alice_client.get(f"/history/?{query}")
        html = response.content.decode()
        assert response.status_code == 200
        assert entries(html) == []
        for secret in ("bobword", "bobtag", "Bob Song", "Bob Band"):
            assert secret not in html
    # Bob's check-ins never appear in Alice's timeline or calendar.
    html = alice_client.get("/history/").content.decode()
    assert len(entries(html)) == 1
    assert "you checked in on 1 day" in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "query",
    [
        "from=not-a-date",
        "from=2026-05-01&to=2026-04-01",
        "quadrant=purple",
        "word=abc",
        "tag=99999999",
        "tag=99999999&after=x",
        "track=99999999999999999999999",
        "artist=-99999999999999999999999",
        "word=99999999999999999999999",
        "tag=1e5",
        "after=garbage",
        "after=99999999999999999999999_1",
        "year=-5",
        "q=%00",
        "q=%ED%A0%80",
    ],
)
def test_it_answers_bad_filters_with_a_message_not_an_error(
    alice: User, alice_client: Client, query: str
) -> None:
    checkin(alice, "2026-04-01 08:00", 1, 1)
    response = alice_client.get(f"/history/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your year in colour" in html
    assert "Select a valid choice" not in html


@time_machine.travel(NOW, tick=False)
def test_it_colours_each_calendar_day_by_its_mean_mood_with_a_shape_and_link(
    alice: User, alice_client: Client
) -> None:
    # 3 March: -3 and +1 pleasantness, +2 and +4 energy → mean (-1, +3): Stirred.
    checkin(alice, "2026-03-03 08:00", -3, 2)
    checkin(alice, "2026-03-03 20:00", 1, 4)
    # 29 March (DST starts in Berlin), 23:30 local = 21:30 UTC: belongs to the 29th.
    checkin(alice, "2026-03-29 23:30", 2, -3)
    html = alice_client.get("/history/").content.decode()
    day = re.search(
        r'<li class="day q-(\w+)"><a href="([^"]+)"[^>]*aria-label="Tuesday 3 March: ([^"]+)"', html
    )
    assert day is not None
    assert day.group(1) == "red"
    assert day.group(3) == "mostly Stirred (unpleasant, high energy), 2 check-ins"
    assert day.group(2) == "/history/day/2026-03-03/"
    assert 'aria-label="Sunday 29 March: mostly Calm (pleasant, low energy), 1 check-in"' in html
    assert 'aria-label="Monday 30 March' not in html
    assert "4 March: no check-in" in html
    assert "you checked in on 2 days" in html
    assert "dashed edge" not in html and " estimated" not in html
    # The day's link opens that day's check-ins in full, oldest first.
    day_page = alice_client.get(day.group(2)).content.decode()
    assert re.findall(r'<time datetime="[^"]+">([^<]+)</time>', day_page) == [
        "Tuesday 3 March 2026, 08:00",
        "Tuesday 3 March 2026, 20:00",
    ]


@time_machine.travel(NOW, tick=False)
def test_an_imported_day_without_recorded_energy_is_coloured_by_pleasantness_and_says_so(
    alice: User, alice_client: Client
) -> None:
    from journal.models import CheckIn

    # 5 March: imported from a pleasantness-only journal (energy guessed +2).
    guessed = [checkin(alice, "2026-03-05 08:00", 3, 2), checkin(alice, "2026-03-05 20:00", 2, 2)]
    CheckIn.objects.filter(pk__in=[c.pk for c in guessed]).update(energy_estimated=True)
    # 6 March: one recorded energy among guesses: only the recorded one counts.
    recorded = checkin(alice, "2026-03-06 09:00", 2, -3)
    extra = checkin(alice, "2026-03-06 10:00", 2, 4)
    CheckIn.objects.filter(pk=extra.pk).update(energy_estimated=True)
    # 7 March: an awful imported day, in a different colour from the 5th.
    low = checkin(alice, "2026-03-07 09:00", -4, 2)
    CheckIn.objects.filter(pk=low.pk).update(energy_estimated=True)
    assert recorded.energy_estimated is False
    html = alice_client.get("/history/").content.decode()

    assert '<li class="day t-pos2 estimated">' in html
    assert '<li class="day t-neg2 estimated">' in html
    assert (
        'aria-label="Thursday 5 March: very pleasant (pleasantness +2.5), energy not recorded, '
        '2 check-ins"' in html
    )
    assert 'aria-label="Friday 6 March: mostly Calm (pleasant, low energy), 2 check-ins"' in html
    assert "so they are coloured by pleasantness alone" in html
    assert "very pleasant 1" in html and "very unpleasant 1" in html
    assert "Calm 1" in html and "Bright 1" not in html  # the guessed energy makes no quadrant
    assert "No energy recorded, by pleasantness:" in html  # the diverging legend


@time_machine.travel(NOW, tick=False)
def test_the_calendar_marks_today_and_folds_empty_months(alice: User, alice_client: Client) -> None:
    checkin(alice, "2026-03-03 08:00", 1, 1)
    html = alice_client.get("/history/").content.decode()
    today = NOW.astimezone(alice.zone).date()
    assert f"Today, {today:%A} {today.day} {today:%B}: no check-in" in html
    assert html.count('class="month empty-month"') == 11
    assert '<span class="month-empty-note"> · no check-ins</span>' in html


@time_machine.travel(NOW, tick=False)
def test_it_switches_the_calendar_year(alice: User, alice_client: Client) -> None:
    checkin(alice, "2024-06-01 08:00", 1, 1)
    checkin(alice, "2026-04-01 08:00", 1, 1)
    html = alice_client.get("/history/").content.decode()
    assert "Your year in colour: 2026" in html
    assert "← 2024" in html
    html = alice_client.get("/history/?year=2024").content.decode()
    assert "Your year in colour: 2024" in html
    assert "In 2024 you checked in on 1 day" in html
    assert "2026 →" in html


@time_machine.travel(NOW, tick=False)
def test_it_shows_on_this_day_when_there_is_something(alice: User, alice_client: Client) -> None:
    song = track(alice, "Björk", "Jóga")
    checkin(alice, "2025-04-15 19:00", 3, 1, tracks=[song], note="A lovely spring evening")
    checkin(alice, "2025-04-16 19:00", -3, 1)
    html = alice_client.get("/history/").content.decode()
    assert "On this day" in html
    assert "A year ago" in html and "Tuesday 15 April 2025" in html
    assert "Jóga by Björk" in html
    assert "A lovely spring evening" in html


def _page_queries(client: Client, django_assert_num_queries: object, url: str, n: int) -> None:
    with django_assert_num_queries(n):  # type: ignore[operator]
        response = client.get(url)
    assert response.status_code == 200


# Full page: session, user, timeline (words, tags and songs in the same
# query), word and tag choices, calendar (days + years), on this day
# (check-ins with their details, listens), last time in each quadrant = 10.
# The HTMX page of the timeline: session, user, timeline = 3.
FULL_PAGE_QUERIES = 10
TIMELINE_QUERIES = 3


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [10, 3000])
def test_it_runs_a_fixed_number_of_queries_however_many_checkins(
    alice: User, alice_client: Client, django_assert_num_queries: object, count: int
) -> None:
    words = [word(alice, f"w{i}", 1, 1) for i in range(4)]
    tags = [tag(alice, f"t{i}") for i in range(3)]
    tracks = [track(alice, "Artist", f"Song {i}") for i in range(5)]
    # Start a year and a bit back, so "on this day" finds last year's entries.
    bulk_checkins(alice, count, start=dt.date(2025, 4, 14), words=words, tags=tags, tracks=tracks)
    _page_queries(alice_client, django_assert_num_queries, "/history/", FULL_PAGE_QUERIES)
    html = alice_client.get("/history/").content.decode()
    assert "A year ago" in html
    with django_assert_num_queries(TIMELINE_QUERIES):  # type: ignore[operator]
        alice_client.get("/history/", headers={"HX-Request": "true"})
    more = re.search(r'<li class="more">\s*<a [^>]*hx-get="([^"]+)"', html)
    if more:  # an older page costs the same
        with django_assert_num_queries(TIMELINE_QUERIES):  # type: ignore[operator]
            alice_client.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    # Filtered by word, tag and quadrant: still fixed (two more for the choices' checks).
    url = f"/history/?word={words[0].pk}&tag={tags[0].pk}&quadrant=blue"
    _page_queries(alice_client, django_assert_num_queries, url, FULL_PAGE_QUERIES + 2)


@time_machine.travel(NOW, tick=False)
def test_on_this_day_costs_the_same_queries_with_or_without_a_memory(
    alice: User, alice_client: Client, django_assert_num_queries: object
) -> None:
    checkin(alice, "2026-04-14 08:00", 1, 1, tracks=[track(alice, "Artist", "Song")], note="Recent")
    _page_queries(alice_client, django_assert_num_queries, "/history/", FULL_PAGE_QUERIES)
    assert "On this day" not in alice_client.get("/history/").content.decode()
    checkin(
        alice, "2025-04-15 08:00", 2, 2, tracks=[track(alice, "Artist", "Old song")], note="Memory"
    )
    _page_queries(alice_client, django_assert_num_queries, "/history/", FULL_PAGE_QUERIES)
    html = alice_client.get("/history/").content.decode()
    assert "On this day" in html and "Old song by Artist" in html and "Memory" in html


@time_machine.travel(NOW, tick=False)
def test_it_offers_on_this_day_as_a_template_tag_for_the_checkin_page(
    alice: User, bob: User, rf: object
) -> None:
    from django.template import Context, Template

    checkin(alice, "2024-04-15 08:00", -2, -2, note="Two springs ago")
    checkin(bob, "2025-04-15 08:00", 2, 2, note="Bob's memory")
    page = Template("{% load history %}{% on_this_day %}")
    request = rf.get("/")  # type: ignore[attr-defined]
    request.user = alice
    html = page.render(Context({"request": request}))
    assert "2 years ago" in html and "Two springs ago" in html and "Heavy" in html
    assert "Bob&#x27;s memory" not in html
    request.user = bob
    bob_html = page.render(Context({"request": request}))
    assert "Bob&#x27;s memory" in bob_html and "Two springs" not in bob_html
    checkin(alice, "2026-04-15 08:00", 1, 1)  # today's own check-in is not a memory
    request.user = alice
    assert "A year ago" not in page.render(Context({"request": request}))


@time_machine.travel(NOW, tick=False)
def test_it_shows_each_checkin_at_the_clock_time_where_it_was_made(
    alice: User, alice_client: Client
) -> None:
    checkin(alice, "2026-04-10 07:00", 1, 1, zone="America/New_York")
    html = alice_client.get("/history/").content.decode()
    assert entries(html) == ["Friday 10 April 2026, 07:00 (America/New York time)"]
    assert 'href="/history/insights/"' in html


@time_machine.travel(NOW, tick=False)
def test_it_answers_when_i_last_felt_calm(alice: User, bob: User, alice_client: Client) -> None:
    checkin(alice, "2026-03-02 08:00", 2, -2)
    checkin(alice, "2026-04-01 20:00", 3, -1)  # the latest calm one
    checkin(alice, "2026-04-10 20:00", 3, 3)
    checkin(bob, "2026-04-12 20:00", 2, -2)
    html = alice_client.get("/history/").content.decode()
    calm = re.search(
        r'<a href="/history/\?quadrant=green#timeline-heading">.*?Calm</span> '
        r'<span class="last-felt-when">([^<]+)</span>',
        html,
    )
    assert calm is not None and calm.group(1) == "Wednesday 1 April 2026"
    assert re.search(r"Heavy</span> <span class=\"muted\">not yet</span>", html)
    first = entries(alice_client.get("/history/?quadrant=green").content.decode())[0]
    assert first == "Wednesday 1 April 2026, 20:00"


def test_the_timeline_leaves_out_a_deleted_checkin_until_it_is_undone(
    alice: User, alice_client: Client
) -> None:
    from journal.checkins import delete_checkin, undo_delete

    kept = checkin(alice, "2026-04-10 09:00", 1, 1)
    gone = checkin(alice, "2026-04-11 09:00", -2, 2)
    delete_checkin(gone)

    def shown() -> list[str]:
        html = alice_client.get("/history/", headers={"HX-Request": "true"}).content.decode()
        return re.findall(r'<h3 id="entry-(\d+)"', html)

    assert shown() == [str(kept.pk)]
    undo_delete(gone)
    assert shown() == [str(gone.pk), str(kept.pk)]
