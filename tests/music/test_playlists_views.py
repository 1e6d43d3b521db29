"""/playlists/ and /playlists/<id>/: make, see, save, edit, export, and only your own."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from music.models import FeelSource, Playlist, PlaylistItem, UserTrack
from music.playlist_forms import RenameForm
from music.playlists import generate, save_plan
from tests.music.playlist_helpers import add_song, check_in, grid_library


def saved(user: User, length: int = 5) -> Playlist:
    grid_library(user)
    check_in(user, -2, -2)
    return save_plan(user, generate(user, preset="comfort", length=length))


def test_it_makes_comfort_and_solace_from_the_latest_check_in(
    alice: User, alice_client: Client
) -> None:
    grid_library(alice)
    check_in(alice, -3, -2)
    response = alice_client.get(
        "/playlists/",
        {"preset": "comfort", "start_from": "checkin", "mode": "iso", "length": "8"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Comfort and Solace" in html
    assert "(your latest check-in)" in html
    assert "unpleasant, low energy" in html
    # The path, drawn as accessible SVG, with a numbered point per song.
    assert 'role="img"' in html
    assert "The playlist's path across the mood grid" in html
    assert html.count('class="mp-dot"') == 8
    assert "1. Artist " in html and "8. Artist " in html
    assert html.count("meets you where you are") == 2
    assert html.count("arrives") == 2
    assert "Save this playlist" in html
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_it_renders_only_the_maker_and_preview_for_htmx(alice: User, alice_client: Client) -> None:
    grid_library(alice)
    response = alice_client.get(
        "/playlists/",
        {"preset": "calm", "start_from": "checkin", "mode": "iso", "length": "6"},
        headers={"HX-Request": "true", "HX-Target": "maker"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="maker">')
    assert "<h1>" not in html
    assert "Your playlists" not in html
    assert html.count('class="mp-dot"') == 6


def test_it_goes_between_two_points_chosen_on_the_grid(alice: User, alice_client: Client) -> None:
    grid_library(alice)
    response = alice_client.get(
        "/playlists/",
        {
            "preset": "custom",
            "start_from": "point",
            "start": "4,4",
            "target": "-3,-4",
            "mode": "compensatory",
            "length": "4",
        },
    )
    html = response.content.decode()
    assert "From here to there" in html
    assert "From very pleasant, very high energy" in html
    assert "going straight there" in html
    assert html.count('class="mp-dot"') == 4


def test_it_asks_for_the_points_it_needs(alice: User, alice_client: Client) -> None:
    response = alice_client.get(
        "/playlists/",
        {"preset": "custom", "start_from": "point", "mode": "iso", "length": "8", "target": "9,9"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please choose a point on the grid." in html
    assert "Please choose where you start on the grid." in html
    assert 'class="mp-dot"' not in html


def test_it_turns_away_a_strange_length_kindly(alice: User, alice_client: Client) -> None:
    response = alice_client.get(
        "/playlists/", {"preset": "calm", "start_from": "checkin", "mode": "iso", "length": "x"}
    )
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_it_says_plainly_when_songs_need_rating_and_lets_you_rate_right_there(
    alice: User, alice_client: Client
) -> None:
    add_song(alice, "Known", "Only one", (1, 1))
    often = add_song(alice, "Often", "Played most", None, plays=40)
    add_song(alice, "Sometimes", "Played less", None, plays=4)
    url = "/playlists/?preset=comfort&start_from=checkin&mode=iso&length=8"
    html = alice_client.get(url).content.decode()
    assert "Not enough songs for the whole way yet." in html
    assert "You have 1 song with a known feel, and this playlist needs 8." in html
    assert "Songs whose feel would help most" in html
    assert html.index("Played most") < html.index("Played less")
    assert "How does “Played most” by Often feel to you?" in html

    response = alice_client.post(
        reverse("music:playlist_rate"), {"track": often.pk, "mood": "2,-1", "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    rated = UserTrack.objects.get(user=alice, track=often)
    assert (rated.rating_pleasantness, rated.rating_energy) == (2, -1)
    assert (rated.feel_pleasantness, rated.feel_energy) == (2.0, -1.0)
    assert rated.feel_source == FeelSource.RATING
    html = alice_client.get(url).content.decode()
    assert "You have 2 songs with a known feel" in html
    assert "How does “Played less” by Sometimes feel to you?" in html


def test_it_never_rates_another_users_song_or_sends_you_elsewhere(
    alice: User, bob: User, alice_client: Client
) -> None:
    theirs = add_song(bob, "Bob", "Mine", None)
    response = alice_client.post(
        reverse("music:playlist_rate"),
        {"track": theirs.pk, "mood": "2,2", "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == "/playlists/"
    assert UserTrack.objects.get(user=bob, track=theirs).feel_pleasantness is None


def test_it_saves_exactly_the_playlist_previewed(alice: User, alice_client: Client) -> None:
    grid_library(alice)
    check_in(alice, -1, 3)
    params = {"preset": "calm", "start_from": "checkin", "mode": "iso", "length": "6", "seed": 3}
    preview = generate(alice, preset="calm", length=6, seed=3)
    response = alice_client.post(reverse("music:playlist_save"), {**params, "name": "Evening"})
    playlist = Playlist.objects.get(user=alice)
    assert response["Location"] == f"/playlists/{playlist.pk}/"
    assert playlist.name == "Evening"
    assert [i.track for i in playlist.items.all()] == preview.tracks
    html = alice_client.get(response["Location"]).content.decode()
    assert "<h1>Evening</h1>" in html
    assert html.count('class="mp-dot"') == 6


def test_it_reorders_with_plain_forms_and_with_htmx(alice: User, alice_client: Client) -> None:
    playlist = saved(alice, length=4)
    first, second, third, fourth = playlist.items.all()
    url = reverse("music:playlist_item_move", args=[playlist.pk, second.pk])
    response = alice_client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert [i.pk for i in playlist.items.all()] == [second.pk, first.pk, third.pk, fourth.pk]

    url = reverse("music:playlist_item_move", args=[playlist.pk, second.pk])
    response = alice_client.post(url, {"direction": "down"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="journey"')
    assert [i.pk for i in playlist.items.all()] == [first.pk, second.pk, third.pk, fourth.pk]
    # The first song cannot go further up.
    alice_client.post(
        reverse("music:playlist_item_move", args=[playlist.pk, first.pk]), {"direction": "up"}
    )
    assert [i.pk for i in playlist.items.all()] == [first.pk, second.pk, third.pk, fourth.pk]


def test_it_removes_a_song_renames_and_deletes(alice: User, alice_client: Client) -> None:
    playlist = saved(alice, length=4)
    item = playlist.items.first()
    assert item is not None
    alice_client.post(reverse("music:playlist_item_remove", args=[playlist.pk, item.pk]))
    assert playlist.items.count() == 3

    alice_client.post(reverse("music:playlist_rename", args=[playlist.pk]), {"name": "Sunday slow"})
    playlist.refresh_from_db()
    assert playlist.name == "Sunday slow"
    response = alice_client.post(
        reverse("music:playlist_rename", args=[playlist.pk]), {"name": "a\x00b"}
    )
    assert response.status_code == 400
    assert "characters we can" in response.content.decode()
    assert not RenameForm({"name": "\ud800"}).is_valid()
    playlist.refresh_from_db()
    assert playlist.name == "Sunday slow"

    response = alice_client.post(reverse("music:playlist_delete", args=[playlist.pk]))
    assert response["Location"] == "/playlists/"
    assert not Playlist.objects.filter(pk=playlist.pk).exists()
    assert UserTrack.objects.filter(user=alice).count() == 81


def test_it_exports_xspf_m3u8_and_jspf(alice: User, alice_client: Client) -> None:
    playlist = saved(alice, length=3)
    titles = [i.track.title for i in playlist.items.select_related("track")]

    response = alice_client.get(reverse("music:playlist_export", args=[playlist.pk, "xspf"]))
    assert response["Content-Type"] == "application/xspf+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="comfort-and-solace.xspf"'
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    ns = {"x": "http://xspf.org/ns/0/"}
    assert [t.text for t in root.findall("x:trackList/x:track/x:title", ns)] == titles

    response = alice_client.get(reverse("music:playlist_export", args=[playlist.pk, "m3u8"]))
    assert response["Content-Type"] == "audio/x-mpegurl; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("#EXTM3U")
    assert all(t in body for t in titles)

    response = alice_client.get(reverse("music:playlist_export", args=[playlist.pk, "jspf"]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert [t["title"] for t in data["playlist"]["track"]] == titles

    assert alice_client.get(f"/playlists/{playlist.pk}/export.mp3").status_code == 404


def playlist_urls(playlist: Playlist, item: PlaylistItem) -> list[tuple[str, str]]:
    """Every URL in the URLconf that takes a playlist id, filled in for `playlist`."""
    from django.urls import get_resolver

    urls = []
    music = get_resolver().namespace_dict["music"][1]
    for short in sorted(n for n in music.reverse_dict if isinstance(n, str)):
        if not short.startswith("playlist_"):
            continue
        name = f"music:{short}"
        pattern = music.reverse_dict.getlist(short)[0][0][0][1]
        if "pk" not in pattern:
            continue
        kwargs: dict[str, object] = {"pk": playlist.pk}
        if "item_pk" in pattern:
            kwargs["item_pk"] = item.pk
        if "fmt" in pattern:
            kwargs["fmt"] = "xspf"
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def test_another_users_playlist_is_a_404_on_every_playlist_url(
    alice: User, bob_client: Client
) -> None:
    playlist = saved(alice, length=4)
    item = playlist.items.first()
    assert item is not None
    before = list(playlist.items.values_list("pk", "position"))
    urls = playlist_urls(playlist, item)
    assert {name for name, _ in urls} >= {
        "music:playlist_detail",
        "music:playlist_rename",
        "music:playlist_delete",
        "music:playlist_export",
        "music:playlist_item_move",
        "music:playlist_item_remove",
    }
    for name, url in urls:
        for method in ("get", "post", "delete"):
            response = getattr(bob_client, method)(
                url, {"direction": "up", "name": "x"} if method == "post" else None
            )
            assert response.status_code == 404, (name, method)
    playlist.refresh_from_db()
    assert playlist.name == "Comfort and Solace"
    assert list(playlist.items.values_list("pk", "position")) == before


def test_a_song_from_another_playlist_is_a_404(alice: User, alice_client: Client) -> None:
    first = saved(alice, length=3)
    second = save_plan(alice, generate(alice, preset="calm", length=3))
    other_item = second.items.first()
    assert other_item is not None
    for name in ("music:playlist_item_move", "music:playlist_item_remove"):
        url = reverse(name, args=[first.pk, other_item.pk])
        assert alice_client.post(url, {"direction": "down"}).status_code == 404
    assert second.items.count() == 3


def test_pages_need_a_login(client: Client) -> None:
    response = client.get("/playlists/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_page_makes_the_same_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: object, count: int
) -> None:
    grid_library(alice)
    check_in(alice, -2, -2)
    for _ in range(count):
        save_plan(alice, generate(alice, preset="comfort", length=4))
    with django_assert_num_queries(4):  # type: ignore[operator]
        response = alice_client.get("/playlists/")
    assert response.content.decode().count('href="/playlists/') >= count
    with django_assert_num_queries(8):  # type: ignore[operator]
        alice_client.get("/playlists/?preset=comfort&start_from=checkin&mode=iso&length=8")


@pytest.mark.parametrize("length", [2, 20])
def test_the_detail_page_makes_the_same_number_of_queries(
    alice: User, alice_client: Client, django_assert_num_queries: object, length: int
) -> None:
    playlist = saved(alice, length=length)
    with django_assert_num_queries(6):  # type: ignore[operator]
        response = alice_client.get(f"/playlists/{playlist.pk}/")
    assert response.content.decode().count('class="mp-dot"') == length


def test_the_path_svg_numbers_match_the_list(alice: User, alice_client: Client) -> None:
    playlist = saved(alice, length=5)
    html = alice_client.get(f"/playlists/{playlist.pk}/").content.decode()
    titles = re.findall(r'<span class="song-title">([^<]+)</span>', html)
    for number, title in enumerate(titles, start=1):
        assert re.search(rf"<title>{number}\. Artist [a-z ]+ – {re.escape(title)}: ", html)


def test_it_tells_screen_readers_the_playlist_is_ready(alice: User, alice_client: Client) -> None:
    grid_library(alice)
    response = alice_client.get(
        "/playlists/",
        {"preset": "motivation", "start_from": "checkin", "mode": "iso", "length": "5"},
        headers={"HX-Request": "true", "HX-Target": "maker"},
    )
    html = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#messages"' in html
    assert "Your playlist is ready below: 5 songs." in html


def test_the_detail_page_offers_a_fresh_one_from_now(alice: User, alice_client: Client) -> None:
    playlist = saved(alice, length=4)
    html = alice_client.get(f"/playlists/{playlist.pk}/").content.decode()
    assert "/playlists/?preset=comfort&amp;start_from=checkin&amp;mode=iso&amp;length=4" in html
    assert "Make a fresh Comfort and Solace from how you feel now" in html


def test_a_name_we_cannot_store_goes_back_to_the_same_preview(
    alice: User, alice_client: Client
) -> None:
    grid_library(alice)
    params = {"preset": "calm", "start_from": "checkin", "mode": "iso", "length": "6", "seed": "2"}
    response = alice_client.post(reverse("music:playlist_save"), {**params, "name": "bad\x00name"})
    assert response.status_code == 302
    assert response["Location"].startswith("/playlists/?preset=calm&")
    assert "seed=2" in response["Location"]
    assert not Playlist.objects.filter(user=alice).exists()
    html = alice_client.get(response["Location"]).content.decode()
    assert "characters we can" in html
    assert html.count('class="mp-dot"') == 6


def test_a_new_user_without_songs_is_shown_where_to_start(alice_client: Client) -> None:
    html = alice_client.get(
        "/playlists/", {"preset": "comfort", "start_from": "checkin", "mode": "iso", "length": "8"}
    ).content.decode()
    assert "You have 0 songs with a known feel, and this playlist needs 8." in html
    assert 'href="/music/import/"' in html
    assert "Save this playlist" not in html
