"""Songs and artists by the quadrant of the check-ins they were attached to
or heard around (re-exported by figures.py, beside the other figures)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from journal.insights.queries import heard_links, song_links
from journal.insights.results import QUADRANT_ORDER, MusicByQuadrant, NamedCount, SongLink
from journal.listening import CONTEXT_WEIGHT, Heard
from mood.values import Quadrant, quadrant_of

if TYPE_CHECKING:
    from accounts.models import User


def music_by_quadrant(
    user: User,
    start: dt.date | None,
    end: dt.date | None,
    limit: int = 5,
    links: list[SongLink] | None = None,
    heard: list[Heard] | None = None,
) -> MusicByQuadrant:
    """Songs and artists by the quadrant of the check-ins they were attached
    to, and, counted below those (``NamedCount.weight``), the check-ins they
    were heard around (two queries, none with `links` and `heard`)."""
    if links is None:
        links = song_links(user, start, end)
    if heard is None:
        heard = heard_links(user, start, end)
    # Running tallies per quadrant and id: [attached, heard around, name,
    # artist], the names as the last song gave them. NamedCounts are built
    # for the few shown only (a year is a thousand songs or more, and a
    # frozen dataclass per song and step was most of this figure's time).
    tracks: dict[Quadrant, dict[int, list[Any]]] = defaultdict(dict)
    artists: dict[Quadrant, dict[int, list[Any]]] = defaultdict(dict)
    for songs, attached, around in ((links, 1, 0), (heard, 0, 1)):
        for song in songs:
            quadrant = quadrant_of(song.pleasantness, song.energy)
            tally = tracks[quadrant].get(song.track_id)
            if tally is None:
                tracks[quadrant][song.track_id] = [attached, around, song.title, song.artist]
            else:
                tally[0] += attached
                tally[1] += around
                tally[2], tally[3] = song.title, song.artist
            tally = artists[quadrant].get(song.artist_id)
            if tally is None:
                artists[quadrant][song.artist_id] = [attached, around, song.artist, ""]
            else:
                tally[0] += attached
                tally[1] += around
                tally[2] = song.artist

    def top(tallies: dict[int, list[Any]]) -> list[NamedCount]:
        # NamedCount.weight's order: attached whole, heard around at CONTEXT_WEIGHT.
        ranked = sorted(
            tallies.items(),
            key=lambda item: (
                -(item[1][0] + CONTEXT_WEIGHT * item[1][1]),
                -item[1][0],
                item[1][2].lower(),
            ),
        )
        return [
            NamedCount(key, name, count, artist, around)
            for key, (count, around, name, artist) in ranked[:limit]
        ]

    return MusicByQuadrant(
        {q: top(tracks[q]) for q in QUADRANT_ORDER if tracks.get(q)},
        {q: top(artists[q]) for q in QUADRANT_ORDER if artists.get(q)},
        len(links),
        len(heard),
    )
