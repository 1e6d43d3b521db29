"""Journey 4: make a Comfort and Solace playlist from the latest check-in, see
its path, save it and take it away as XSPF and M3U8."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import Browsing, axe_check, require, screenshot
from tests.e2e.journeys import lived_in_user, page_for


def test_it_makes_comfort_and_solace_and_exports_it(browsing: Browsing, tmp_path: Path) -> None:
    require("/playlists/save/")
    user = lived_in_user()
    page = page_for(browsing, user)
    page.goto("/playlists/")
    page.get_by_role("radio", name=re.compile("^Comfort and Solace")).check()
    page.get_by_role("radio", name=re.compile("^My latest check-in")).check()
    page.get_by_role("button", name="Make playlist").click()

    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Comfort and Solace")).to_be_visible()
    expect(preview.locator("svg").first).to_be_visible()  # the path on the mood grid
    songs = preview.get_by_role("listitem")
    expect(songs.first).to_be_visible()
    titles = [t.strip() for t in preview.locator("ol li .song-title").all_text_contents()]
    assert len(titles) >= 2, titles
    screenshot(page, "playlist-preview")
    axe_check(page)

    page.get_by_role("button", name="Save this playlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comfort and Solace")
    axe_check(page)
    from music.models import Playlist

    saved = Playlist.objects.get(user=user)
    assert list(saved.items.order_by("position").values_list("track__title", flat=True)) == titles

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^XSPF")).click()
    xspf = tmp_path / "comfort.xspf"
    download_info.value.save_as(xspf)
    text = xspf.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "http://xspf.org/ns/0/" in text
    positions = [text.index(f"<title>{escape(t)}</title>") for t in titles]
    assert positions == sorted(positions), "the export keeps the playlist's order"

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^M3U8")).click()
    m3u = tmp_path / "comfort.m3u8"
    download_info.value.save_as(m3u)
    lines = m3u.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    assert sum(line.startswith("#EXTINF") for line in lines) == len(titles)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
