from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from accounts.models import User
from imports.models import ImportJob
from music.models import Listen, Playlist
from tests.music.conftest import FIXTURES, Importer


def test_it_imports_listenbrainz_jsonl(import_file: Importer, alice: User) -> None:
    job = import_file("listenbrainz", "listens.jsonl")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 2
    lovely = Listen.objects.get(user=alice, track__title="Lovely Day")
    assert lovely.played_at == dt.datetime(2023, 3, 1, 8, 0, tzinfo=dt.UTC)
    assert str(lovely.track.mbid) == "3b6a8e2b-6f1a-4a3c-9f38-0c1e2f6a9d01"
    assert lovely.track.duration_ms == 254000
    satie = Listen.objects.get(user=alice, track__title="Gymnopédie No. 1")
    assert satie.track.duration_ms == 190000
    assert import_file("listenbrainz", "listens.jsonl").imported == 0


def test_it_imports_the_listenbrainz_zip_and_json_arrays(
    import_file: Importer, alice: User
) -> None:
    lines = (FIXTURES / "listens.jsonl").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("user.json", b'{"user_name": "alice"}')
        archive.writestr("listens/2023/3.jsonl", lines)
        archive.writestr("feedback.jsonl", b"")
    assert import_file("listenbrainz", out.getvalue(), "listenbrainz_alice.zip").imported == 2
    Listen.objects.all().delete()
    array = json.dumps([json.loads(line) for line in lines.splitlines()]).encode()
    assert import_file("listenbrainz", array, "listens.json").imported == 2


def test_it_reports_bad_listenbrainz_lines(import_file: Importer, alice: User) -> None:
    data = (
        b'\xef\xbb\xbf{"listened_at": 1677657600, "track_metadata": {"artist_name": "A", '
        b'"track_name": "B"}}\r\n'
        b"{not json\r\n"
        b'{"listened_at": 99999999999999, "track_metadata": {"artist_name": "A", '
        b'"track_name": "C"}}\r\n'
        b'{"listened_at": 1677657600}\r\n'
        b'{"listened_at": 1677657601, "track_metadata": {"artist_name": "A", "track_name":'
    )
    job = import_file("listenbrainz", data, "listens.jsonl")
    assert job.status == ImportJob.Status.DONE
    assert job.imported == 1
    assert [row["line"] for row in job.bad_rows] == [2, 3, 4, 5]


def test_it_does_not_double_count_spotify_and_listenbrainz(
    import_file: Importer, alice: User
) -> None:
    """Rule: a play is already there when the same track has a listen from another
    source starting within 3 minutes of it (docs/import-dedup.md)."""
    import_file("spotify", "Streaming_History_Audio_2023.json")
    job = import_file("listenbrainz", "listens.jsonl")
    assert job.imported == 1  # Satie is new
    assert job.duplicates == 1  # Lovely Day was already there from Spotify
    assert Listen.objects.filter(user=alice, track__title="Lovely Day").count() == 1
    # The other order gives the same library.
    Listen.objects.all().delete()
    import_file("listenbrainz", "listens.jsonl")
    again = import_file("spotify", "Streaming_History_Audio_2023.json")
    assert again.duplicates == 1
    assert Listen.objects.filter(user=alice, track__title="Lovely Day").count() == 1
    assert Listen.objects.filter(user=alice).count() == 4


def test_it_keeps_a_song_played_twice_in_a_row(import_file: Importer, alice: User) -> None:
    spotify = [
        {"endTime": "2023-03-01 08:03", "artistName": "A", "trackName": "Short", "msPlayed": 60000},
        {"endTime": "2023-03-01 08:04", "artistName": "A", "trackName": "Short", "msPlayed": 60000},
    ]
    import_file("spotify", json.dumps(spotify).encode(), "StreamingHistory_music_0.json")
    listen = {
        "listened_at": 1677657720,
        "track_metadata": {"artist_name": "A", "track_name": "Short"},
    }
    job = import_file("listenbrainz", json.dumps(listen).encode(), "l.jsonl")
    assert job.duplicates == 1
    assert Listen.objects.filter(user=alice).count() == 2


def test_it_imports_lastfm_csv_with_header_and_formula_cells(
    import_file: Importer, alice: User
) -> None:
    job = import_file("lastfm", "lastfm_header.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 2
    hello = Listen.objects.get(user=alice, track__title="Hello")
    assert hello.played_at == dt.datetime.fromtimestamp(1700000000, tz=dt.UTC)
    formula = Listen.objects.get(user=alice, track__title="+cmd")
    assert formula.track.artist.name == '=HYPERLINK("http://example.com")'
    assert formula.track.album == "@SUM(A1)"
    assert import_file("lastfm", "lastfm_header.csv").imported == 0


def test_it_imports_lastfm_csv_without_header(import_file: Importer, alice: User) -> None:
    job = import_file("lastfm", "lastfm_noheader.csv")
    assert job.imported == 2
    queen = Listen.objects.get(user=alice, track__title="Bohemian Rhapsody")
    assert queen.played_at == dt.datetime(2021, 1, 31, 12, 34, tzinfo=dt.UTC)
    assert queen.track.album == "A Night at the Opera"


def test_it_reports_bad_lastfm_rows(import_file: Importer, alice: User) -> None:
    data = (
        b"\xef\xbb\xbfQueen,Album,Song,31 Jan 2021 12:34\r\n"
        b"Queen,Album,Other,someday\r\n"
        b"Queen,Album,Old,01 Jan 1900 00:00\r\n"
        b'"Multi\r\nline",Album,"Quoted, title",31 Jan 2021 12:50\r\n'
        b"Queen\x00,Album\xed\xa0\x80,Nul,31 Jan 2021 13:00\r\n"
        b"short,row\r\n"
    )
    job = import_file("lastfm", data, "scrobbles.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 3
    assert {r["line"]: r["reason"] for r in job.bad_rows} == {
        2: "unreadable date",
        3: "date out of range",
        7: "missing columns",
    }
    assert Listen.objects.filter(track__title="Quoted, title").exists()
    assert Listen.objects.filter(track__title="Nul", track__artist__name="Queen").exists()


def test_it_imports_a_scrobbler_log(import_file: Importer, alice: User) -> None:
    job = import_file("lastfm", "scrobbler.log", ".scrobbler.log")
    assert job.imported == 2
    angel = Listen.objects.get(user=alice, track__title="Angel")
    assert angel.skipped
    assert angel.track.duration_ms == 379000
    assert angel.played_at == dt.datetime.fromtimestamp(1600000400, tz=dt.UTC)


def test_it_reads_unknown_zone_scrobbler_logs_in_local_time(
    import_file: Importer, alice: User
) -> None:
    data = b"#AUDIOSCROBBLER/1.1\n#TZ/UNKNOWN\nA\tB\tC\t1\t200\tL\t1600000000\t\n"
    import_file("lastfm", data, ".scrobbler.log")
    # 1600000000 is 12:26:40 on the player's clock; Alice lives in Berlin (UTC+2).
    played = Listen.objects.get(user=alice).played_at
    assert played == dt.datetime(2020, 9, 13, 10, 26, 40, tzinfo=dt.UTC)


def test_it_imports_apple_music_play_activity(import_file: Importer, alice: User) -> None:
    job = import_file("apple_music", "Play Activity.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 2
    assert job.skipped == {
        "not a play (start markers, lyrics, other events)": 2,
        "no artist name in this export": 1,
        "unreadable date": 1,
    }
    dreams = Listen.objects.get(user=alice, track__title="Dreams")
    assert dreams.played_at == dt.datetime(2022, 4, 1, 10, 0, tzinfo=dt.UTC)
    assert dreams.ms_played == 254000 and not dreams.skipped
    assert Listen.objects.get(user=alice, track__title="Fix You").skipped
    assert import_file("apple_music", "Play Activity.csv").imported == 0


def test_it_tells_people_when_they_chose_the_wrong_kind(import_file: Importer) -> None:
    job = import_file("lastfm", "Play Activity.csv")
    assert job.status == ImportJob.Status.FAILED
    assert "Apple Music" in job.message
    job = import_file("apple_music", "lastfm_header.csv")
    assert "doesn't look like Apple Music" in job.message
    job = import_file("listenbrainz", "Streaming_History_Audio_2023.json")
    assert "Spotify" in job.message
    job = import_file("playlist", "lastfm_header.csv")
    assert "doesn't look like a playlist" in job.message


def test_it_imports_a_playlist_file_once(import_file: Importer, alice: User) -> None:
    data = (
        b"#EXTM3U\n#PLAYLIST:Morning\n#EXTINF:200,Bill Withers - Lovely Day\nx.mp3\n"
        b"#EXTINF:100,Nina Simone - Feeling Good\ny.mp3\n"
    )
    job = import_file("playlist", data, "morning.m3u8")
    assert job.status == ImportJob.Status.DONE, job.message
    playlist = Playlist.objects.get(user=alice)
    assert playlist.source == "imported" and playlist.name == "Morning"
    assert [i.track.title for i in playlist.items.all()] == ["Lovely Day", "Feeling Good"]
    again = import_file("playlist", data, "morning.m3u8")
    assert again.imported == 0 and again.duplicates == 2
    assert Playlist.objects.filter(user=alice).count() == 1
    hls = import_file("playlist", b"#EXTM3U\n#EXT-X-VERSION:3\n", "live.m3u8")
    assert hls.status == ImportJob.Status.FAILED and "streaming" in hls.message


def test_it_round_trips_a_playlist_through_export_and_import(
    import_file: Importer, alice: User
) -> None:
    from music.imports.playlist_files import entries_for
    from music.imports.playlists_io import FORMATS, render_playlist

    data = (
        b"#EXTM3U\n#PLAYLIST:Evening\n#EXTINF:200.5,Bill Withers - Lovely Day\n"
        b"#EXTALB:Menagerie\nx.mp3\n#EXTINF:100,Nina Simone - Feeling Good\ny.mp3\n"
    )
    import_file("playlist", data, "evening.m3u8")
    original = Playlist.objects.get(user=alice)
    entries = entries_for(original)
    assert [(e.artist, e.title, e.album, e.duration_ms) for e in entries] == [
        ("Bill Withers", "Lovely Day", "Menagerie", 200500),
        ("Nina Simone", "Feeling Good", "", 100000),
    ]
    for fmt in FORMATS:
        text = render_playlist(fmt, "Evening " + fmt, entries)
        job = import_file("playlist", text.encode(), f"evening.{fmt}")
        assert job.status == ImportJob.Status.DONE, job.message
        copy = Playlist.objects.get(user=alice, name="Evening " + fmt)
        assert entries_for(copy) == entries


def test_it_matches_tracks_by_isrc_across_names(import_file: Importer, alice: User) -> None:
    from music.catalogue import TrackInfo, get_or_create_track

    track = get_or_create_track(TrackInfo("Bill Withers", "Lovely Day", isrc="USSM17700345"), alice)
    listen = {
        "listened_at": 1677657600,
        "track_metadata": {
            "artist_name": "Bill Withers & Co",
            "track_name": "Lovely Day (Single Edit)",
            "additional_info": {"isrc": "USSM17700345"},
        },
    }
    import_file("listenbrainz", json.dumps(listen).encode(), "l.jsonl")
    assert Listen.objects.get(user=alice).track == track


def test_it_reads_utf16_files_from_spreadsheet_programs(import_file: Importer, alice: User) -> None:
    text = (FIXTURES / "Play Activity.csv").read_text().replace("\n", "\r\n")
    job = import_file("apple_music", text.encode("utf-16"), "Play Activity.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 2
    log = (FIXTURES / "scrobbler.log").read_text()
    assert import_file("lastfm", log.encode("utf-16"), ".scrobbler.log").imported == 2


def test_it_reads_semicolon_lastfm_exports(import_file: Importer, alice: User) -> None:
    data = (
        b"Artist;Album;AlbumId;Track;TrackId;Date#text\n"
        b"ABBA;Arrival;;Dancing Queen;;31 Jan 2021, 12:40\n"
    )
    job = import_file("lastfm", data, "lastfmstats.csv")
    assert job.imported == 1, job.message
    listen = Listen.objects.get(user=alice)
    assert listen.played_at == dt.datetime(2021, 1, 31, 12, 40, tzinfo=dt.UTC)
    assert listen.track.album == "Arrival"


def test_it_fills_in_ids_on_tracks_it_found_by_name(import_file: Importer, alice: User) -> None:
    from music.catalogue import TrackInfo, get_or_create_track

    track = get_or_create_track(TrackInfo("Bill Withers", "Lovely Day"), alice)
    import_file("spotify", "Streaming_History_Audio_2023.json")
    track.refresh_from_db()
    assert track.spotify_uri == "spotify:track:0bRXwKfigvpKZUurwqAlEh"
    assert track.album == "Menagerie"
    import_file("listenbrainz", "listens.jsonl")
    track.refresh_from_db()
    assert str(track.mbid) == "3b6a8e2b-6f1a-4a3c-9f38-0c1e2f6a9d01"
    assert track.duration_ms == 254000


def test_it_survives_a_csv_with_one_enormous_line(import_file: Importer, alice: User) -> None:
    data = b"Queen,Album,Song,31 Jan 2021 12:34\n" + b'"' + b"x" * 3_000_000 + b"\n"
    job = import_file("lastfm", data, "scrobbles.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 1
    assert job.bad_rows and job.bad_rows[0]["line"] == 2


def test_it_skips_an_enormous_listenbrainz_line(import_file: Importer, alice: User) -> None:
    good = (FIXTURES / "listens.jsonl").read_bytes().splitlines()
    data = good[0] + b"\n" + b'{"x": "' + b"y" * 2_500_000 + b'"}\n' + good[1] + b"\n"
    job = import_file("listenbrainz", data, "listens.jsonl")
    assert job.imported == 2
    assert job.bad_rows == [{"line": 2, "reason": "line too long", "detail": ""}]
