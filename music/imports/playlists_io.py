"""Reading and writing playlist files: M3U/M3U8, XSPF and JSPF.

Pure functions, no database:

    render_playlist(fmt, title, entries) -> str        fmt in FORMATS
    parse_playlist(data, filename) -> ParsedPlaylist   raises ImportFormatError

- M3U8: `#EXTM3U`, `#PLAYLIST:<title>`, then per entry `#EXTINF:<seconds>,Artist - Title`,
  `#EXTALB:<album>` and a location line: the Spotify URI or a playable https://
  link when one is known, never an invented file name. A song with neither is
  written as `#ATTUNE-NOLINK:<seconds>,Artist - Title`, a directive players
  skip and Attune reads back. Durations are written with millisecond
  precision (`#EXTINF:215.5,`) so a round trip keeps them. HLS media playlists
  (`#EXT-X-` tags) are streams, not song lists, and are refused.
- XSPF (http://xspf.org/ns/0/): `<playlist version="1">` with `<title>` and a
  `<trackList>` of `<track>` with `<location>` (playable URLs), `<identifier>`
  (MusicBrainz recording URL, Spotify URL, `urn:isrc:` URN), `<title>`,
  `<creator>`, `<album>`, `<duration>` (milliseconds). Parsed with the standard
  library after refusing any DOCTYPE or ENTITY declaration, so no entity
  expansion can happen.
- JSPF: the JSON form of XSPF, `{"playlist": {"title": ..., "track": [...]}}`,
  plus ListenBrainz's track extension (`https://musicbrainz.org/doc/jspf#track`:
  artist and release identifiers, Spotify id and ISRC).

Identifiers are read back on import (music/links.py), so a playlist exported
from here, ListenBrainz or Spotify tools matches tracks by id.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlparse

from config.text import scrub
from imports.registry import ImportFormatError
from music import links
from music.catalogue import split_artist_title

FORMATS = ("m3u8", "xspf", "jspf")
CONTENT_TYPES = {
    "m3u8": "audio/x-mpegurl; charset=utf-8",
    "xspf": "application/xspf+xml; charset=utf-8",
    "jspf": "application/json; charset=utf-8",
}
XSPF_NS = "http://xspf.org/ns/0/"
JSPF_TRACK_EXTENSION = "https://musicbrainz.org/doc/jspf#track"
NO_LINK = "#ATTUNE-NOLINK:"
MAX_ENTRIES = 10_000


@dataclass
class PlaylistEntry:
    artist: str
    title: str
    album: str = ""
    duration_ms: int | None = None
    ids: links.Ids = field(default_factory=links.Ids)
    artist_mbids: list[str] = field(default_factory=list)
    release_mbid: str | None = None


@dataclass
class ParsedPlaylist:
    title: str
    entries: list[PlaylistEntry] = field(default_factory=list)


# Rendering ---------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(scrub(text).split())


def _seconds(duration_ms: int | None) -> str:
    if duration_ms is None:
        return "-1"
    if duration_ms % 1000 == 0:
        return str(duration_ms // 1000)
    return f"{duration_ms / 1000:.3f}".rstrip("0")


def _m3u_location(entry: PlaylistEntry) -> str | None:
    """The Spotify URI, else a playable https:// link; None when neither is known."""
    if entry.ids.spotify_uri:
        return entry.ids.spotify_uri
    found = links.locations(entry.ids)
    return found[0] if found else None


def render_m3u8(title: str, entries: list[PlaylistEntry]) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(title)}"]
    for entry in entries:
        name = f"{_seconds(entry.duration_ms)},{_one_line(entry.artist)} - {_one_line(entry.title)}"
        location = _m3u_location(entry)
        lines.append(("#EXTINF:" if location else NO_LINK) + name)
        if entry.album:
            lines.append(f"#EXTALB:{_one_line(entry.album)}")
        if location:
            lines.append(_one_line(location))
    return "\n".join(lines) + "\n"


def render_xspf(title: str, entries: list[PlaylistEntry]) -> str:
    root = ET.Element("playlist", {"version": "1", "xmlns": XSPF_NS})
    ET.SubElement(root, "title").text = scrub(title)
    track_list = ET.SubElement(root, "trackList")
    for entry in entries:
        track = ET.SubElement(track_list, "track")
        for location in links.locations(entry.ids):
            ET.SubElement(track, "location").text = scrub(location)
        for identifier in links.identifiers(entry.ids):
            ET.SubElement(track, "identifier").text = identifier
        ET.SubElement(track, "title").text = scrub(entry.title)
        ET.SubElement(track, "creator").text = scrub(entry.artist)
        if entry.album:
            ET.SubElement(track, "album").text = scrub(entry.album)
        if entry.duration_ms is not None:
            ET.SubElement(track, "duration").text = str(int(entry.duration_ms))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render_jspf(title: str, entries: list[PlaylistEntry]) -> str:
    tracks = []
    for entry in entries:
        item: dict[str, object] = {"title": scrub(entry.title), "creator": scrub(entry.artist)}
        if entry.album:
            item["album"] = scrub(entry.album)
        if entry.duration_ms is not None:
            item["duration"] = int(entry.duration_ms)
        if links.locations(entry.ids):
            item["location"] = [scrub(url) for url in links.locations(entry.ids)]
        if links.identifiers(entry.ids):
            item["identifier"] = links.identifiers(entry.ids)
        extension = _jspf_extension(entry)
        if extension:
            item["extension"] = {JSPF_TRACK_EXTENSION: extension}
        tracks.append(item)
    return json.dumps(
        {"playlist": {"title": scrub(title), "track": tracks}}, ensure_ascii=False, indent=2
    )


def _jspf_extension(entry: PlaylistEntry) -> dict[str, object]:
    """ListenBrainz's per-track extension: what JSPF has no field for."""
    extension: dict[str, object] = {}
    if entry.artist_mbids:
        extension["artist_identifiers"] = [links.MUSICBRAINZ_ARTIST + m for m in entry.artist_mbids]
    if entry.release_mbid:
        extension["release_identifier"] = links.MUSICBRAINZ_RELEASE + entry.release_mbid
    extra = {}
    if entry.ids.spotify_uri:
        extra["spotify_id"] = links.spotify_url(entry.ids.spotify_uri)
    if entry.ids.isrc:
        extra["isrc"] = entry.ids.isrc
    if extra:
        extension["additional_metadata"] = extra
    return extension


def render_playlist(fmt: str, title: str, entries: list[PlaylistEntry]) -> str:
    if fmt == "m3u8":
        return render_m3u8(title, entries)
    if fmt == "xspf":
        return render_xspf(title, entries)
    if fmt == "jspf":
        return render_jspf(title, entries)
    raise ValueError(f"Unknown playlist format {fmt!r}")


# Parsing -----------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Plain .m3u files from older players are often Windows-1252.
        text = data.decode("cp1252", errors="replace")
    return scrub(text)


def _stem(filename: str) -> str:
    name = PureWindowsPath(filename).name if "\\" in filename else PurePosixPath(filename).name
    return name.rsplit(".", 1)[0] if "." in name else name


def _int_or_none(value: object) -> int | None:
    try:
        number = int(float(str(value)))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number < 2**31 else None


def _clip(text: str, limit: int = 300) -> str:
    return " ".join(scrub(text).split())[:limit]


def _entry_from_name(name: str) -> PlaylistEntry | None:
    split = split_artist_title(name)
    if split:
        return PlaylistEntry(artist=_clip(split[0]), title=_clip(split[1]))
    return None


def _extinf(info: str) -> tuple[int | None, str]:
    duration_text, _, name = info.partition(",")
    seconds = duration_text.split()[0] if duration_text.split() else "-1"
    try:
        value = float(seconds)
        duration = round(value * 1000) if 0 <= value < 2_000_000 else None
    except ValueError:
        duration = None
    return duration, name.strip()


def parse_m3u(text: str, filename: str) -> ParsedPlaylist:
    if "#EXT-X-" in text:
        raise ImportFormatError(
            "This is a streaming (HLS) playlist, not a list of songs, so there is "
            "nothing to import from it."
        )
    title = _stem(filename) or "Imported playlist"
    entries: list[PlaylistEntry] = []
    pending: tuple[int | None, str] | None = None
    unlinked: PlaylistEntry | None = None
    album = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#PLAYLIST:"):
            title = _clip(line[len("#PLAYLIST:") :]) or title
        elif line.startswith(NO_LINK):
            duration, name = _extinf(line[len(NO_LINK) :])
            unlinked = _entry_from_name(name)
            if unlinked is not None:
                unlinked.duration_ms = duration
                entries.append(unlinked)
            pending, album = None, ""
        elif line.startswith("#EXTINF:"):
            pending, unlinked = _extinf(line[len("#EXTINF:") :]), None
            album = ""
        elif line.startswith("#EXTALB:"):
            album = _clip(line[len("#EXTALB:") :])
            if unlinked is not None:  # the album of the song just read without a link
                unlinked.album, album, unlinked = album, "", None
        elif line.startswith("#"):
            continue
        else:
            entry = None
            if pending and pending[1]:
                entry = _entry_from_name(pending[1])
            if entry is None:
                location = unquote(urlparse(line).path) if "://" in line else line
                entry = _entry_from_name(_stem(location))
            if entry is not None:
                entry.album = album
                entry.duration_ms = pending[0] if pending else None
                entry.ids = links.read(line)
                entries.append(entry)
            pending, album, unlinked = None, "", None
        if len(entries) >= MAX_ENTRIES:
            break
    if not entries and not text.lstrip().startswith("#EXTM3U"):
        raise ImportFormatError("This doesn't look like an M3U playlist: we found no songs in it.")
    return ParsedPlaylist(title=title, entries=entries)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


NOT_UTF8_XML = (
    "This XSPF file isn't saved as UTF-8, the encoding playlists use, so we did not "
    "open it. Please save it as UTF-8 (most players and editors offer it) and try again."
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']""")


def _utf8_xml(data: bytes) -> bytes:
    """The XML as UTF-8, or ImportFormatError. The DOCTYPE/ENTITY check below
    looks at bytes, so it holds only for the encoding it reads: a UTF-16 file
    spells `<!ENTITY` with a zero byte after each letter, which the check
    missed and the XML parser read all the same. XSPF is UTF-8 (its spec),
    so anything else is refused, whatever its BOM or declaration says."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _XML_ENCODING.match(data.lstrip())
    if declared and declared.group(1).strip().lower() not in (b"utf-8", b"utf8", b"us-ascii"):
        raise ImportFormatError(NOT_UTF8_XML)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFormatError(NOT_UTF8_XML) from None
    if "\x00" in text:  # UTF-16 or UTF-32 without a BOM; never in XML
        raise ImportFormatError(NOT_UTF8_XML)
    return data


def parse_xspf(data: bytes, filename: str) -> ParsedPlaylist:
    data = _utf8_xml(data)
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise ImportFormatError(
            "This XML file declares a DOCTYPE or entities, which playlists never need, "
            "so we did not open it."
        )
    try:
        # No DOCTYPE in UTF-8 bytes that expat reads as UTF-8: no entity expansion.
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as error:
        raise ImportFormatError(f"This XSPF file is not valid XML ({error}).") from None
    if _local(root.tag) != "playlist":
        raise ImportFormatError("This XML file is not an XSPF playlist (no <playlist> root).")
    title = _stem(filename) or "Imported playlist"
    entries: list[PlaylistEntry] = []
    for child in root:
        name = _local(child.tag)
        if name == "title" and child.text:
            title = _clip(scrub(child.text)) or title
        elif name == "trackList":
            for track in child:
                if _local(track.tag) != "track":
                    continue
                fields = {_local(el.tag): scrub(el.text or "") for el in track}
                found = [
                    scrub(el.text or "")
                    for el in track
                    if _local(el.tag) in ("identifier", "location")
                ]
                entry = _entry(
                    fields.get("creator", ""),
                    fields.get("title", ""),
                    fields.get("album", ""),
                    fields.get("duration"),
                    fields.get("location", ""),
                )
                if entry:
                    entry.ids = links.read_all(found)
                    entries.append(entry)
                if len(entries) >= MAX_ENTRIES:
                    break
    return ParsedPlaylist(title=title, entries=entries)


def _entry(
    artist: str, title: str, album: str, duration: object, location: str = ""
) -> PlaylistEntry | None:
    artist, title = _clip(artist), _clip(title)
    if not (artist and title):
        guessed = _entry_from_name(title) or (
            _entry_from_name(_stem(unquote(location))) if location else None
        )
        if guessed is None:
            return None
        artist, title = guessed.artist, guessed.title
    return PlaylistEntry(
        artist=artist, title=title, album=_clip(album), duration_ms=_int_or_none(duration)
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [scrub(value)]
    if isinstance(value, list):
        return [scrub(item) for item in value[:10] if isinstance(item, str)]
    return []


def parse_jspf(text: str, filename: str) -> ParsedPlaylist:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ImportFormatError(f"This JSPF file is not valid JSON ({error}).") from None
    playlist = document.get("playlist") if isinstance(document, dict) else None
    if not isinstance(playlist, dict):
        raise ImportFormatError('This JSON file is not a JSPF playlist (no "playlist" object).')
    title = playlist.get("title")
    tracks = playlist.get("track") or []
    if not isinstance(tracks, list):
        raise ImportFormatError('This JSPF playlist\'s "track" is not a list.')
    entries: list[PlaylistEntry] = []
    for item in tracks[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        location = item.get("location")
        found = _strings(location) + _strings(item.get("identifier"))
        if isinstance(location, list):
            location = location[0] if location else ""
        entry = _entry(
            str(item.get("creator") or ""),
            str(item.get("title") or ""),
            str(item.get("album") or ""),
            item.get("duration"),
            str(location or ""),
        )
        if entry:
            entry.ids = links.read_all(found)
            entries.append(entry)
    clean_title = _clip(str(title)) if isinstance(title, str) else ""
    return ParsedPlaylist(
        title=clean_title or _stem(filename) or "Imported playlist", entries=entries
    )


def sniff_playlist(data: bytes, filename: str) -> str | None:
    """Which playlist format this looks like, or None."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = filename.lower()
    if head.startswith(b"#EXTM3U") or lower.endswith((".m3u", ".m3u8")):
        return "m3u8"
    if head.startswith(b"<") or lower.endswith(".xspf"):
        return "xspf"
    if head.startswith(b"{") or lower.endswith(".jspf"):
        return "jspf"
    return None


def parse_playlist(data: bytes, filename: str) -> ParsedPlaylist:
    """Read an M3U/M3U8, XSPF or JSPF file. Raises ImportFormatError with a
    message for the user when it is none of them or is broken."""
    if not data.strip():
        raise ImportFormatError("This file is empty.")
    fmt = sniff_playlist(data, filename)
    if fmt == "m3u8":
        return parse_m3u(_decode(data), filename)
    if fmt == "xspf":
        return parse_xspf(data, filename)
    if fmt == "jspf":
        return parse_jspf(_decode(data), filename)
    raise ImportFormatError(
        "This doesn't look like a playlist file. We can read M3U/M3U8, XSPF and JSPF."
    )
