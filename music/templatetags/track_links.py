"""`{% track_links track %}`: "Open in Spotify / ListenBrainz / MusicBrainz"
for a track whose ids are known (nothing shown otherwise)."""

from __future__ import annotations

from django import template

from music import links
from music.models import Track

register = template.Library()


@register.inclusion_tag("music/partials/_track_links.html")
def track_links(track: Track) -> dict[str, object]:
    found = [
        ("Spotify", links.spotify_url(track.spotify_uri)),
        ("ListenBrainz", links.listenbrainz_url(track.mbid)),
        ("MusicBrainz", links.musicbrainz_url(track.mbid)),
    ]
    return {"track": track, "links": [(name, url) for name, url in found if url]}
