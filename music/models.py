from __future__ import annotations

from django.conf import settings
from django.db import models

from mood.values import mood_range_check, mood_validators


class Artist(models.Model):
    """An artist as one user named them: every user has their own artists and
    tracks (docs/catalogue-per-user.md), so nobody's spelling shows for another."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_artists"
    )
    name = models.CharField(max_length=300)
    # Normalised name (music/catalogue.py: normalise) used for deduplication.
    name_key = models.CharField(max_length=300)
    mbid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", "name_key", name="artist_unique_owner_name"),
            models.UniqueConstraint("owner", "mbid", name="artist_unique_owner_mbid"),
        ]

    def __str__(self) -> str:
        return self.name


class Track(models.Model):
    """A recording as one user has it: their title, artist and album. Each user's
    tracks are their own (docs/catalogue-per-user.md); within one user they are
    deduplicated by MusicBrainz recording id, Spotify URI, ISRC, then normalised
    artist + title (music/catalogue.py)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_tracks"
    )
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="tracks")
    title = models.CharField(max_length=300)
    title_key = models.CharField(max_length=300)
    album = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    mbid = models.UUIDField(null=True, blank=True)
    spotify_uri = models.CharField(max_length=64, null=True, blank=True)
    isrc = models.CharField(max_length=12, null=True, blank=True)
    bpm = models.FloatField(null=True, blank=True)
    musical_key = models.CharField(max_length=8, blank=True)
    # Mood/genre tags (comma separated) and the feel they map to through the
    # emotion vocabulary: the least trusted source of a track's feel.
    tags = models.CharField(max_length=500, blank=True)
    tag_pleasantness = models.FloatField(null=True, blank=True)
    tag_energy = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["artist__name", "title"]
        constraints = [
            # The artist is the owner's, so this is per owner too.
            models.UniqueConstraint("artist", "title_key", name="track_unique_artist_title"),
            models.UniqueConstraint("owner", "mbid", name="track_unique_owner_mbid"),
            models.UniqueConstraint("owner", "spotify_uri", name="track_unique_owner_uri"),
        ]
        indexes = [models.Index(fields=["owner", "isrc"], name="track_owner_isrc")]

    def __str__(self) -> str:
        return f"{self.artist.name} – {self.title}"


class Listen(models.Model):
    """One play of a track by a user, from an import or a check-in."""

    # No index of its own: the unique (user, track, played_at) and the
    # (user, played_at) indexes both start with it (docs/listen-import-throughput.md).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listens", db_index=False
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="listens")
    played_at = models.DateTimeField(help_text="When the play started, UTC.")
    ms_played = models.PositiveIntegerField(null=True, blank=True)
    skipped = models.BooleanField(default=False)
    source = models.CharField(max_length=20)
    # What a scrobbler or a ListenBrainz export sent beside the track's own ids:
    # release_name, release_mbid, artist_mbids, media_player, submission_client,
    # music_service, origin_url (music/listening/submission.py: DETAIL_KEYS).
    details = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-played_at"]
        indexes = [models.Index(fields=["user", "-played_at"], name="listen_user_played")]
        constraints = [
            models.UniqueConstraint("user", "track", "played_at", name="listen_unique_play"),
        ]


class FeelSource(models.TextChoices):
    RATING = "rating", "your rating"
    CHECKINS = "checkins", "the check-ins it was part of"
    HEARD = "heard", "what you were listening to around your check-ins"
    TAGS = "tags", "its mood and genre tags"
    AUDIO = "audio", "your audio file"
    UNKNOWN = "", "not known yet"


class UserTrack(models.Model):
    """What one user has with one track: their rating, its estimated feel, plays.

    `feel_*` and `feel_source` are derived (music/feel.py) from, most trusted
    first, the rating, the check-ins it was attached to, the check-ins it was
    heard before, and the track's tags.
    """

    # No index of its own: the unique (user, track) index starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="user_tracks",
        db_index=False,
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="user_tracks")
    rating_pleasantness = models.SmallIntegerField(
        null=True, blank=True, validators=mood_validators
    )
    rating_energy = models.SmallIntegerField(null=True, blank=True, validators=mood_validators)
    rated_at = models.DateTimeField(null=True, blank=True)
    checkin_pleasantness = models.FloatField(null=True, blank=True)
    checkin_energy = models.FloatField(null=True, blank=True)
    checkin_count = models.PositiveIntegerField(default=0)
    # The mean mood of check-ins this song was heard before (a listen in the
    # half hour up to them, not attached): refreshed on beat (music/heard_feel.py).
    heard_pleasantness = models.FloatField(null=True, blank=True)
    heard_energy = models.FloatField(null=True, blank=True)
    heard_count = models.PositiveIntegerField(db_default=0)
    feel_pleasantness = models.FloatField(null=True, blank=True)
    feel_energy = models.FloatField(null=True, blank=True)
    feel_source = models.CharField(
        max_length=10, choices=FeelSource.choices, default=FeelSource.UNKNOWN, blank=True
    )
    is_comfort = models.BooleanField(default=False, help_text="A comfort song / favourite.")
    play_count = models.PositiveIntegerField(default=0)
    ms_played_total = models.BigIntegerField(default=0)
    last_played_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "track", name="usertrack_unique"),
            mood_range_check("usertrack", "rating_pleasantness", nullable=True),
            mood_range_check("usertrack", "rating_energy", nullable=True),
        ]
        indexes = [models.Index(fields=["user", "-play_count"], name="usertrack_user_plays")]


class Playlist(models.Model):
    class Mode(models.TextChoices):
        ISO = "iso", "Meet me where I am (iso principle)"
        COMPENSATORY = "compensatory", "Take me straight there"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists"
    )
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    preset = models.CharField(max_length=20, blank=True)
    mode = models.CharField(max_length=14, choices=Mode.choices, default=Mode.ISO)
    start_pleasantness = models.FloatField(null=True, blank=True)
    start_energy = models.FloatField(null=True, blank=True)
    target_pleasantness = models.FloatField(null=True, blank=True)
    target_energy = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=16, default="generated")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name


class PlaylistItem(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]


class ListenToken(models.Model):
    """A user's key to the ListenBrainz-compatible listening API (music/listening/).

    `key` is UUID-shaped because some scrobblers refuse anything else; it is
    shown on Settings → Listening, so it is stored as it is (like ListenBrainz
    does) and replaced, not recovered. `rate_window`/`rate_count` are the
    per-token request counter (music/listening/tokens.py), kept on this row so
    authentication and rate limiting are one UPDATE.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listen_token"
    )
    user_name = models.CharField(max_length=64, unique=True)
    key = models.CharField(max_length=36, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rate_window = models.BigIntegerField(default=0)
    rate_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.user_name


class PlayingNow(models.Model):
    """What a user's player says is playing, until `expires_at` (the track's
    duration after it was sent, or ten minutes when that is unknown)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="playing_now",
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # What the player sent beside the names (release, MusicBrainz ids, player...).
    details = models.JSONField(default=dict, blank=True)


class HeardFeelMark(models.Model):
    """How far the heard-feel refresh (music/heard_feel.py) has read: check-ins
    changed before `ran_at` and listens up to `listen_id` are folded in. One row."""

    ran_at = models.DateTimeField()
    listen_id = models.BigIntegerField(default=0)
