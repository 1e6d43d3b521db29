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
    # Every song is there; one without a known link is a directive players skip
    # (no invented file name: issue 16), one with a link an #EXTINF and its URI.
    songs = [line for line in lines if line.startswith(("#EXTINF", "#ATTUNE-NOLINK:"))]
    assert len(songs) == len(titles)
    assert not [
        line for line in lines if line and not line.startswith(("#", "spotify:", "https://"))
    ]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_reordering_by_keyboard_keeps_focus_on_the_song(browsing: Browsing) -> None:
    """Moving or removing a song swaps the whole list; keyboard focus must stay
    with the song that moved (or the next one), not jump to the page's start."""
    from music.models import PlaylistItem
    from tests import factories
    from tests.conftest import make_user

    user = make_user("keys@example.com")
    playlist = factories.make_playlist(user)
    PlaylistItem.objects.create(playlist=playlist, track=factories.make_track(user), position=2)
    first, second, third = playlist.items.order_by("position")
    page = page_for(browsing, user)
    page.goto(f"/playlists/{playlist.pk}/")

    def order() -> list[int]:
        return list(playlist.items.order_by("position").values_list("pk", flat=True))

    page.locator(f"#down-{first.pk}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#journey li").nth(1)).to_have_id(f"song-{first.pk}")
    expect(page.locator(f"#down-{first.pk}")).to_be_focused()
    assert order() == [second.pk, first.pk, third.pk]

    page.locator(f"#up-{first.pk}").focus()
    page.keyboard.press("Enter")  # back to the top: "up" is now disabled
    expect(page.locator("#journey li").first).to_have_id(f"song-{first.pk}")
    expect(page.locator(f"#up-{first.pk}")).to_be_disabled()
    expect(page.locator(f"#down-{first.pk}")).to_be_focused()

    page.locator(f"#remove-{first.pk}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#song-{first.pk}")).to_have_count(0)
    expect(page.locator(f"#down-{second.pk}")).to_be_focused()
    axe_check(page)


def test_a_move_pressed_at_once_after_the_last_is_still_a_move_in_place(browsing: Browsing) -> None:
    """A second press the moment the list is swapped: the new buttons must already
    be htmx's, or the browser posts the form itself and the page reloads with
    focus at its start. The second press is made in the task right after the
    swap, before any settle delay could have ended."""
    from music.models import PlaylistItem
    from tests import factories
    from tests.conftest import make_user

    user = make_user("quick-keys@example.com")
    playlist = factories.make_playlist(user)
    PlaylistItem.objects.create(playlist=playlist, track=factories.make_track(user), position=2)
    before = list(playlist.items.order_by("position").values_list("pk", flat=True))
    first = before[0]
    page = page_for(browsing, user)
    page.goto(f"/playlists/{playlist.pk}/")
    page.evaluate(
        """(id) => {
          window.stillThisPage = true;
          window.moved = 0;
          document.addEventListener("htmx:afterSettle", () => { window.moved += 1; });
          document.addEventListener("htmx:afterSwap", () => setTimeout(() => {
            const up = document.getElementById("up-" + id);
            up.focus();
            up.click();
          }, 0), { once: true });
        }""",
        first,
    )
    page.locator(f"#down-{first}").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.stillThisPage !== true || window.moved === 2")
    assert page.evaluate("window.stillThisPage") is True, "the second press reloaded the page"
    expect(page.locator(f"#up-{first}")).to_be_disabled()
    expect(page.locator(f"#down-{first}")).to_be_focused()
    assert list(playlist.items.order_by("position").values_list("pk", flat=True)) == before
