from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from accounts.models import User
from imports.models import ImportJob
from music.models import Listen, UserTrack
from tests.music.conftest import FIXTURES, Importer


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_it_imports_extended_history_with_start_times(import_file: Importer, alice: User) -> None:
    job = import_file("spotify", "Streaming_History_Audio_2023.json")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 3
    assert job.skipped == {
        "podcast episode": 1,
        "audiobook": 1,
        "private (incognito) session": 1,
    }
    lovely = Listen.objects.get(user=alice, track__title="Lovely Day")
    # ts is the end of the play: 08:03:30 minus 210 s.
    assert lovely.played_at == dt.datetime(2023, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert lovely.source == "spotify" and not lovely.skipped
    assert lovely.track.spotify_uri == "spotify:track:0bRXwKfigvpKZUurwqAlEh"
    creep = Listen.objects.get(user=alice, track__title="Creep")
    assert creep.skipped  # 12 s counts as a skip
    assert not Listen.objects.filter(track__title="Secret Song").exists()
    stats = UserTrack.objects.get(user=alice, track=lovely.track)
    assert stats.play_count == 1 and stats.ms_played_total == 210000
    assert UserTrack.objects.get(user=alice, track=creep.track).play_count == 0
    assert job.processed_bytes == job.total_bytes and job.percent == 100


def test_it_adds_nothing_on_reimport(import_file: Importer, alice: User) -> None:
    import_file("spotify", "Streaming_History_Audio_2023.json")
    again = import_file("spotify", "Streaming_History_Audio_2023.json")
    assert again.imported == 0
    assert again.duplicates == 3
    assert Listen.objects.filter(user=alice).count() == 3
    assert UserTrack.objects.get(user=alice, track__title="Lovely Day").play_count == 1


def test_it_imports_basic_history(import_file: Importer, alice: User) -> None:
    job = import_file("spotify", "StreamingHistory_music_0.json")
    assert job.imported == 2
    plays = list(Listen.objects.filter(user=alice).order_by("played_at"))
    # endTime 07:30 minus 173 s, and 07:31 minus 5 s (a skip)
    assert plays[0].played_at == dt.datetime(2021, 6, 1, 7, 27, 7, tzinfo=dt.UTC)
    assert plays[1].played_at == dt.datetime(2021, 6, 1, 7, 30, 55, tzinfo=dt.UTC)
    assert plays[1].skipped


def test_it_imports_the_zip_spotify_sends(import_file: Importer, alice: User) -> None:
    data = _zip(
        {
            "Spotify Extended Streaming History/Streaming_History_Audio_2023.json": (
                FIXTURES / "Streaming_History_Audio_2023.json"
            ).read_bytes(),
            "Spotify Extended Streaming History/Streaming_History_Video_2023.json": b"[]",
            "Spotify Extended Streaming History/ReadMeFirst.pdf": b"%PDF",
            "MyData/StreamingHistory_music_0.json": (
                FIXTURES / "StreamingHistory_music_0.json"
            ).read_bytes(),
        }
    )
    job = import_file("spotify", data, "my_spotify_data.zip")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 5


def test_it_explains_a_zip_without_history(import_file: Importer) -> None:
    job = import_file("spotify", _zip({"photo.jpg": b"\xff\xd8"}), "photos.zip")
    assert job.status == ImportJob.Status.FAILED
    assert "no Spotify listening history" in job.message


def test_it_keeps_what_comes_before_a_truncated_file(import_file: Importer, alice: User) -> None:
    data = (FIXTURES / "Streaming_History_Audio_2023.json").read_bytes()
    cut = data[: data.index(b'"Clair de lune"')]
    job = import_file("spotify", cut, "Streaming_History_Audio_2023.json")
    assert job.status == ImportJob.Status.DONE
    assert job.imported == 2
    assert job.skipped["file cut off or broken"] == 1
    assert job.bad_rows[0]["line"] == 7


def test_it_survives_hostile_rows(import_file: Importer, alice: User) -> None:
    rows = [
        {
            "endTime": "2021-06-01 07:30",
            "artistName": "A\u0000B",
            "trackName": "T\ud800",
            "msPlayed": 60000,
        },
        {
            "endTime": "0001-01-01 00:00",
            "artistName": "Old",
            "trackName": "Song",
            "msPlayed": 60000,
        },
        {
            "endTime": "2999-01-01 00:00",
            "artistName": "Future",
            "trackName": "Song",
            "msPlayed": 60000,
        },
        {"endTime": "yesterday", "artistName": "X", "trackName": "Y", "msPlayed": 1},
        {
            "endTime": "2021-06-01 08:00",
            "artistName": "",
            "trackName": "No artist",
            "msPlayed": 60000,
        },
        {
            "endTime": "2021-06-01 08:00",
            "artistName": "=cmd|' /C calc'!A0",
            "trackName": "@SUM(1)",
            "msPlayed": "lots",
        },
        {
            "endTime": "2021-06-01 09:00",
            "artistName": "=cmd|' /C calc'!A0",
            "trackName": "@SUM(1)",
            "msPlayed": 90000,
        },
        "not an object",
    ]
    text = json.dumps(rows, ensure_ascii=True).replace("\n", "\r\n")
    data = b"\xef\xbb\xbf" + text.replace("},", "},\r\n").encode()
    job = import_file("spotify", data, "StreamingHistory_music_1.json")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 2
    assert job.skipped == {
        "date out of range": 2,
        "unreadable date or duration": 2,
        "no artist or title": 1,
        "not a listening record": 1,
    }
    titles = set(Listen.objects.filter(user=alice).values_list("track__title", flat=True))
    assert titles == {"T?", "@SUM(1)"}
    assert {row["line"] for row in job.bad_rows} == {2, 3, 4, 5, 6, 8}


def test_it_refuses_files_that_are_not_spotify(import_file: Importer) -> None:
    job = import_file("spotify", b"artist,track\nA,B\n", "history.csv")
    assert job.status == ImportJob.Status.FAILED
    assert "doesn't look like a Spotify streaming history" in job.message
    job = import_file("spotify", b'[{"listened_at": 1}]', "listens.json")
    assert "isn't a Spotify streaming history" in job.message


def test_it_reports_an_empty_file(import_file: Importer) -> None:
    job = import_file("spotify", b"", "Streaming_History_Audio_2023.json")
    assert job.status == ImportJob.Status.FAILED
    assert "empty" in job.message
    job = import_file("spotify", b"[]", "Streaming_History_Audio_2023.json")
    assert job.status == ImportJob.Status.DONE and job.imported == 0


def test_it_removes_the_uploaded_file_when_done(import_file: Importer) -> None:
    from pathlib import Path

    job = import_file("spotify", "StreamingHistory_music_0.json")
    assert not Path(job.stored_path).exists()


def test_it_notes_an_odd_file_inside_the_zip_and_imports_the_rest(
    import_file: Importer, alice: User
) -> None:
    data = _zip(
        {
            "Spotify/StreamingHistory_music_0.json": (
                FIXTURES / "StreamingHistory_music_0.json"
            ).read_bytes(),
            "Spotify/StreamingHistory_music_1.json": b'{"oops": true}',
        }
    )
    job = import_file("spotify", data, "my_spotify_data.zip")
    assert job.status == ImportJob.Status.DONE
    assert job.imported == 2
    assert job.bad_rows == [
        {
            "line": None,
            "reason": "not a listening history file",
            "detail": "Spotify/StreamingHistory_music_1.json",
        }
    ]
    assert UserTrack.objects.get(user=alice, track__title="Feeling Good").play_count == 1
