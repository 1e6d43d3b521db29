"""Journeys 2 and 3: a song added while checking in, rated, found in /music/;
a small Spotify export imported through a real Celery worker with its progress bar."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import axe_check, require, screenshot

NO_RELOAD_MARK = "() => { window.__stillHere = 'yes'; }"


@pytest.fixture
def celery_worker(redis_broker: str) -> Iterator[None]:
    """A real Celery worker (solo pool, in a thread) on the test Redis database."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_it_adds_a_song_while_checking_in_rates_it_and_finds_it_in_music(
    user_page: Any, new_user: User
) -> None:
    require("/", new_user, method="post")
    require("/music/import/", new_user)  # the music library branch is here
    page = user_page
    page.goto("/")
    page.locator("[data-mood-grid]").get_by_role(
        "button", name=re.compile(r"^pleasant, slightly high energy \(")
    ).click()
    page.get_by_label("Add a song").fill("Nina Simone – Feeling Good")
    page.get_by_label("Pleasant", exact=True).select_option("3")
    page.get_by_label("Energy", exact=True).select_option("2")
    page.get_by_role("button", name="Add song").click()
    expect(page.get_by_text("Nina Simone – Feeling Good").first).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Music").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Feeling Good").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feeling Good")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nina Simone")

    # Rate its feel on the track's own grid: the user's rating wins.
    page.evaluate(NO_RELOAD_MARK)
    page.locator("[data-mood-grid]").get_by_role(
        "button", name=re.compile(r"^very pleasant, high energy \(")
    ).click()
    expect(page.get_by_text(re.compile("very pleasant, high energy", re.I)).first).to_be_visible()
    from music.models import UserTrack

    rated = UserTrack.objects.get(user=new_user, track__title="Feeling Good")
    assert (rated.rating_pleasantness, rated.rating_energy) == (4, 3)
    screenshot(page, "track")
    axe_check(page)


def spotify_export(tmp_path: Path) -> Path:
    """A small Extended Streaming History zip, as Spotify sends it."""
    plays = []
    songs = [
        ("Bill Withers", "Lovely Day", "spotify:track:0bRXwKfigvpKZUurwqAlEh"),
        ("Claude Debussy", "Clair de lune", "spotify:track:6kf8lQ2Pb8oEFZn4VpzD5x"),
        ("Aretha Franklin", "Respect", "spotify:track:7s25THrKz86DM225dOYwnr"),
    ]
    for day in range(1, 13):
        artist, title, uri = songs[day % 3]
        plays.append(
            {
                "ts": f"2024-03-{day:02d}T18:{day:02d}:00Z",
                "ms_played": 180_000 if day % 4 else 12_000,
                "master_metadata_track_name": title,
                "master_metadata_album_artist_name": artist,
                "master_metadata_album_album_name": "",
                "spotify_track_uri": uri,
                "reason_end": "trackdone",
                "skipped": False,
                "incognito_mode": False,
            }
        )
    plays.append({**plays[0], "ts": "2024-03-20T08:00:00Z", "incognito_mode": True})
    path = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "Spotify Extended Streaming History/Streaming_History_Audio_2024.json",
            json.dumps(plays),
        )
    return path


def upload_spotify_export(page: Any, path: Path) -> None:
    page.goto("/music/import/")
    kind = page.get_by_label(re.compile("what are you bringing|kind|format", re.I))
    options = kind.locator("option").all_text_contents()
    kind.select_option(label=next(o for o in options if "spotify" in o.lower()))
    page.get_by_label(re.compile("^file", re.I)).set_input_files(str(path))
    page.get_by_role("button", name="Import").click()


@pytest.mark.usefixtures("celery_worker")
def test_it_imports_a_spotify_export_and_shows_the_progress_bar_finish(
    user_page: Any, new_user: User, tmp_path: Path
) -> None:
    from music.models import Listen

    require("/music/import/", new_user)
    page = user_page
    export = spotify_export(tmp_path)
    upload_spotify_export(page, export)

    # While it runs there is a progress bar (polled by htmx, no reload), then
    # the summary replaces it.
    page.evaluate(NO_RELOAD_MARK)
    expect(page.get_by_text("Imported", exact=True).first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    imported = Listen.objects.filter(user=new_user).count()
    assert imported >= 9  # 12 plays, 3 of them skips under 30 s; the incognito one never
    screenshot(page, "import-done")
    axe_check(page)

    page.get_by_role("link", name="See your music").click()
    expect(page.get_by_role("link", name="Lovely Day")).to_be_visible()
    expect(page.get_by_role("link", name="Clair de lune")).to_be_visible()

    # The same file again adds nothing.
    upload_spotify_export(page, export)
    expect(page.get_by_text("Already there", exact=True).first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert Listen.objects.filter(user=new_user).count() == imported
