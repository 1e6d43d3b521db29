from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from imports.registry import ImportFormatError
from music.imports.jsonstream import BrokenJSON, NotAnArray, iter_array
from music.imports.playlists_io import parse_playlist

PREFIXES = st.sampled_from(
    [b"", b"#EXTM3U\n", b"<playlist>", b'{"playlist":', b"[", b"\xef\xbb\xbf"]
)


@settings(max_examples=200, deadline=None)
@given(
    prefix=PREFIXES,
    body=st.binary(max_size=300),
    name=st.sampled_from(["a.m3u8", "a.xspf", "a.jspf", "a"]),
)
def test_it_never_crashes_on_arbitrary_playlist_bytes(
    prefix: bytes, body: bytes, name: str
) -> None:
    try:
        parsed = parse_playlist(prefix + body, name)
    except ImportFormatError as error:
        assert str(error)
        return
    for entry in parsed.entries:
        entry.artist.encode("utf-8")
        assert "\x00" not in entry.artist + entry.title


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet='[]{},:"0123456789 \nabtrue', max_size=200))
def test_it_reads_json_arrays_or_says_where_they_break(text: str) -> None:
    import json

    try:
        items = [item for item, _ in iter_array(io.StringIO(text))]
    except (BrokenJSON, NotAnArray):
        return
    try:
        expected = json.loads(text)
    except ValueError:
        return  # trailing text after a complete array is ignored
    assert items == expected
