"""Whatever is typed or tampered with, the playlist pages answer without a 500 and
change nothing they should not."""

from __future__ import annotations

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from music.models import Playlist
from music.playlists import generate, save_plan
from tests.music.playlist_helpers import add_song, grid_library

# Text a browser (or someone poking at the form) could send: no lone surrogates,
# which cannot travel in a URL-encoded body at all.
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30) | st.sampled_from(
    ["", "0", "-1", "4,4", "9,9", "1,", ",", "a,b", "99999999999999999999", "\x00"]
)

fields = st.fixed_dictionaries(
    {},
    optional={
        "preset": st.sampled_from(["comfort", "calm", "custom", "nope", ""]) | text,
        "start_from": st.sampled_from(["checkin", "point", ""]) | text,
        "start": text,
        "target": text,
        "mode": st.sampled_from(["iso", "compensatory", ""]) | text,
        "length": text,
        "seed": text,
        "rate": text,
        "name": text,
        "direction": st.sampled_from(["up", "down"]) | text,
        "track": text,
        "mood": text,
        "next": text,
    },
)

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=fields)
def test_it_never_fails_on_odd_input(alice: User, alice_client: Client, data: dict) -> None:
    if not Playlist.objects.filter(user=alice).exists():
        grid_library(alice, step=4)
        add_song(alice, "Unrated", "Song", None, plays=3)
        save_plan(alice, generate(alice, preset="calm", length=4))
    # The first one: a valid save in the fuzzed data may add more.
    playlist = Playlist.objects.filter(user=alice).order_by("pk").first()
    assert playlist is not None
    item = playlist.items.first()
    assert item is not None
    assert (
        alice_client.get("/playlists/", {**data, "preset": data.get("preset", "calm")}).status_code
        == 200
    )
    for url in (
        "/playlists/save/",
        "/playlists/rate/",
        f"/playlists/{playlist.pk}/rename/",
        f"/playlists/{playlist.pk}/songs/{item.pk}/move/",
    ):
        response = alice_client.post(url, data)
        assert response.status_code in {200, 302, 400}, (url, response.status_code)
    assert Playlist.objects.filter(pk=playlist.pk).exists()
    assert playlist.items.count() == 4
