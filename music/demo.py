"""The demo account's music: a small library with listens, a few ratings, and
tags for the rest, so every source of a track's feel shows up somewhere."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from mood.values import quadrant_of
from music.catalogue import TrackInfo, get_or_create_track
from music.feel import recompute_feel
from music.models import Listen, Track, UserTrack
from music.plays import refresh_plays

# (artist, title, pleasantness, energy, bpm): feel as the demo user hears them.
DEMO_TRACKS: list[tuple[str, str, int, int, float]] = [
    ("Nina Simone", "Feeling Good", 3, 2, 108),
    ("Bill Withers", "Lean on Me", 3, 0, 76),
    ("Bill Withers", "Lovely Day", 4, 2, 98),
    ("Aretha Franklin", "Respect", 3, 4, 115),
    ("Queen", "Don't Stop Me Now", 4, 4, 156),
    ("The Beatles", "Here Comes the Sun", 3, 1, 129),
    ("The Beatles", "Let It Be", 1, -2, 72),
    ("Simon & Garfunkel", "Bridge over Troubled Water", 1, -3, 82),
    ("Simon & Garfunkel", "The Sound of Silence", -2, -3, 106),
    ("Erik Satie", "Gymnopédie No. 1", 1, -4, 60),
    ("Claude Debussy", "Clair de lune", 2, -4, 66),
    ("Johann Sebastian Bach", "Air on the G String", 2, -3, 64),
    ("Samuel Barber", "Adagio for Strings", -2, -3, 48),
    ("Billie Holiday", "Strange Fruit", -4, -2, 70),
    ("Adele", "Someone Like You", -2, -2, 68),
    ("Adele", "Rolling in the Deep", -1, 3, 105),
    ("Radiohead", "No Surprises", -1, -3, 76),
    ("Radiohead", "Creep", -3, 1, 92),
    ("Nirvana", "Smells Like Teen Spirit", -2, 4, 117),
    ("Rage Against the Machine", "Killing in the Name", -3, 4, 88),
    ("Bob Marley & The Wailers", "Three Little Birds", 3, 0, 74),
    ("Louis Armstrong", "What a Wonderful World", 3, -2, 82),
    ("Israel Kamakawiwoʻole", "Over the Rainbow", 3, -2, 80),
    ("Pharrell Williams", "Happy", 4, 3, 160),
    ("Survivor", "Eye of the Tiger", 2, 4, 109),
    ("Journey", "Don't Stop Believin'", 3, 3, 119),
    ("Fleetwood Mac", "Dreams", 1, -1, 120),
    ("Joni Mitchell", "River", -2, -2, 112),
    ("Brian Eno", "An Ending (Ascent)", 2, -4, 60),
    ("Max Richter", "On the Nature of Daylight", -1, -3, 55),
    ("ABBA", "Dancing Queen", 4, 3, 101),
    ("Coldplay", "Fix You", -1, -1, 138),
    ("Sia", "Breathe Me", -3, -1, 82),
    ("Whitney Houston", "I Wanna Dance with Somebody", 4, 4, 119),
    ("Carole King", "You've Got a Friend", 2, -1, 96),
    ("Elliott Smith", "Between the Bars", -2, -3, 80),
]
QUADRANT_TAGS = {
    "yellow": "upbeat, pop",
    "green": "calm, folk",
    "red": "angry, rock",
    "blue": "melancholy, piano",
    "neutral": "soul",
}
DEMO_SOURCES = ("spotify", "lastfm", "listenbrainz")


def seed_music(user: User, rng: random.Random, *, days: int) -> list[Track]:
    now = timezone.now().replace(microsecond=0)
    tracks: list[Track] = []
    for artist, title, p, e, bpm in DEMO_TRACKS:
        track = get_or_create_track(TrackInfo(artist=artist, title=title), user)
        if track.bpm is None or not track.tags:
            Track.objects.filter(pk=track.pk).update(
                bpm=bpm, tags=QUADRANT_TAGS[quadrant_of(p, e).value]
            )
        tracks.append(track)
        rated = rng.random() < 0.4
        UserTrack.objects.update_or_create(
            user=user,
            track=track,
            defaults={
                "rating_pleasantness": p if rated else None,
                "rating_energy": e if rated else None,
                "rated_at": now if rated else None,
                "is_comfort": (p >= 1 and e <= 0 and rng.random() < 0.6),
            },
        )
    listens: list[Listen] = []
    for day in range(days):
        date = now - dt.timedelta(days=day)
        for _ in range(rng.randint(4, 14)):
            track = rng.choice(tracks)
            played = date.replace(hour=rng.randint(7, 23), minute=rng.randint(0, 59), second=0)
            ms = rng.randint(20_000, 300_000)
            listens.append(
                Listen(
                    user=user,
                    track=track,
                    played_at=played,
                    ms_played=ms,
                    skipped=ms < 30_000,
                    source=rng.choice(DEMO_SOURCES),
                )
            )
    Listen.objects.bulk_create(listens, ignore_conflicts=True)
    track_ids = [track.pk for track in tracks]
    refresh_plays(user, track_ids)
    recompute_feel(user, track_ids)
    return tracks


def finish_music(user: User, tracks: list[Track]) -> None:
    """After the demo check-ins exist: tracks they were attached to take their feel."""
    recompute_feel(user, [track.pk for track in tracks])
