from __future__ import annotations

import json

import pytest

from music.imports.playlists_io import (
    FORMATS,
    ImportFormatError,
    PlaylistEntry,
    parse_playlist,
    render_playlist,
)

ENTRIES = [
    PlaylistEntry("Nina Simone", "Feeling Good", "I Put a Spell on You", 173_000),
    PlaylistEntry("Sigur Rós", "Hoppípolla", "Takk…", 268_533),
    PlaylistEntry("AC/DC", 'T.N.T. <live> & "loud"', "", None),
    PlaylistEntry("=cmd|' /C calc'!A0", "Formula - Title", "", 1_500),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_round_trips_order_titles_artists_and_durations(fmt: str) -> None:
    text = render_playlist(fmt, "Rainy Sunday", ENTRIES)
    parsed = parse_playlist(text.encode(), f"export.{fmt}")
    assert parsed.title == "Rainy Sunday"
    assert parsed.entries == ENTRIES


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_round_trips_an_empty_playlist(fmt: str) -> None:
    text = render_playlist(fmt, "Nothing yet", [])
    if fmt == "m3u8":
        assert parse_playlist(text.encode(), "x.m3u8").entries == []
    else:
        assert parse_playlist(text.encode(), f"x.{fmt}").title == "Nothing yet"


def test_it_writes_valid_xspf_and_jspf() -> None:
    xspf = render_playlist("xspf", "Calm", ENTRIES[:1])
    assert 'xmlns="http://xspf.org/ns/0/"' in xspf
    assert "<trackList>" in xspf and "<duration>173000</duration>" in xspf
    jspf = json.loads(render_playlist("jspf", "Calm", ENTRIES[:1]))
    assert jspf["playlist"]["track"][0] == {
        "title": "Feeling Good",
        "creator": "Nina Simone",
        "album": "I Put a Spell on You",
        "duration": 173000,
    }


def test_it_reads_a_plain_m3u_with_paths_only() -> None:
    data = b"C:\\Music\\Queen - Bohemian Rhapsody.mp3\r\n/home/me/Adele - Hello.flac\r\n"
    parsed = parse_playlist(data, "old.m3u")
    assert [(e.artist, e.title) for e in parsed.entries] == [
        ("Queen", "Bohemian Rhapsody"),
        ("Adele", "Hello"),
    ]
    assert parsed.title == "old"


def test_it_reads_a_bom_and_crlf_m3u8() -> None:
    data = "\ufeff#EXTM3U\r\n#EXTINF:200,Björk - Jóga\r\nbjork.mp3\r\n".encode()
    parsed = parse_playlist(data, "x.m3u8")
    assert parsed.entries == [PlaylistEntry("Björk", "Jóga", "", 200_000)]


def test_it_refuses_hls_streams() -> None:
    data = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:9.0,\nseg0.ts\n"
    with pytest.raises(ImportFormatError, match="streaming"):
        parse_playlist(data, "stream.m3u8")


def test_it_refuses_xml_with_entities() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<playlist xmlns="http://xspf.org/ns/0/"><title>&lol2;</title></playlist>'
    )
    with pytest.raises(ImportFormatError, match="DOCTYPE"):
        parse_playlist(data, "evil.xspf")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.m3u8", "empty"),
        (b"<html><body>hi</body></html>", "page.xspf", "not an XSPF"),
        (b"<playlist><title>cut", "cut.xspf", "not valid XML"),
        (b'{"playlist": {"title": "x", "track": [', "cut.jspf", "not valid JSON"),
        (b'{"tracks": []}', "other.json", "not a JSPF"),
        (b"PK\x03\x04binary", "song.zip", "doesn't look like a playlist"),
    ],
)
def test_it_explains_files_it_cannot_read(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_playlist(data, name)


def test_it_scrubs_nul_and_lone_surrogates() -> None:
    data = '{"playlist": {"title": "a\\u0000b", "track": [{"creator": "X\\ud800", "title": "Y"}]}}'
    parsed = parse_playlist(data.encode(), "x.jspf")
    assert parsed.title == "ab"
    assert parsed.entries[0].artist == "X?"


EVIL_XSPF = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    '<playlist xmlns="http://xspf.org/ns/0/"><title>&lol;</title></playlist>'
)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"])
def test_it_refuses_an_xspf_in_another_encoding_whatever_it_declares(codec: str) -> None:
    """Issue 19: a UTF-16 XSPF slipped its entity declaration past the byte check."""
    for declared in (codec.upper(), "UTF-8"):
        data = EVIL_XSPF.format(encoding=declared).encode(codec)
        with pytest.raises(ImportFormatError, match="UTF-8"):
            parse_playlist(data, "evil.xspf")


def test_it_refuses_an_xspf_that_declares_another_encoding() -> None:
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><playlist><title>Caf\xe9</title></playlist>'
    with pytest.raises(ImportFormatError, match="save it as UTF-8"):
        parse_playlist(data.encode("latin-1"), "old.xspf")


def test_it_still_reads_a_utf8_xspf_with_a_bom_and_a_declaration() -> None:
    data = (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>'
        '<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>Café</title>'
        "<trackList><track><creator>Björk</creator><title>Jóga</title></track></trackList>"
        "</playlist>"
    ).encode()
    parsed = parse_playlist(data, "mine.xspf")
    assert parsed.title == "Café"
    assert (parsed.entries[0].artist, parsed.entries[0].title) == ("Björk", "Jóga")
