from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.functions import Lower

from journal.crypto import decrypt_note, encrypt_note, note_is_unreadable
from mood.values import Mood, Quadrant, mood_range_check, mood_validators, quadrant_of

# The check-in POST's ownership check for the user's own rows, as a plain SQL
# condition (with %s for the user's id); see mood.models.WORDS_OF_SQL.
OWNED_SQL = "user_id = %s"


class Tag(models.Model):
    """A context tag (activity) such as 'sang' or 'slept well'; per user, editable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=40)
    is_musical = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "user", name="tag_unique_per_user"),
        ]

    def __str__(self) -> str:
        return self.name


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def live(self) -> CheckInQuerySet:
        """Check-ins that are not waiting out their undo window after a delete."""
        return self.filter(deleted_at__isnull=True)

    def owned_by(self, user: object) -> CheckInQuerySet:
        return self.filter(user=user).live()


class CheckIn(models.Model):
    """One moment: how a person felt, and optionally why and what was playing.

    `felt_at` is stored in UTC; `local_date` is the date it belongs to in the
    user's zone *at the time*, so moving zones later does not move old days.
    """

    class Source(models.TextChoices):
        ATTUNE = "attune", "Attune"
        DAYLIO = "daylio", "Daylio"
        CSV = "csv", "CSV import"
        ARCHIVE = "archive", "Attune archive"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: (user, local_date) and (user, felt_at) start with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    felt_at = models.DateTimeField()
    local_date = models.DateField()
    time_zone = models.CharField(max_length=64)
    pleasantness = models.SmallIntegerField(validators=mood_validators)
    energy = models.SmallIntegerField(validators=mood_validators)
    energy_estimated = models.BooleanField(
        default=False,
        help_text="Energy was not recorded (e.g. imported from a pleasantness-only app).",
    )
    # The note, encrypted with AES-GCM (journal/crypto.py); never stored in clear.
    note_ciphertext = models.BinaryField(null=True, blank=True, editable=False)
    note_key_id = models.CharField(max_length=16, blank=True, editable=False)
    words = models.ManyToManyField("mood.EmotionWord", blank=True, related_name="checkins")
    tags = models.ManyToManyField(Tag, blank=True, related_name="checkins")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ATTUNE)
    # Set by importers so the same row imported twice arrives once.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # The check-in form's one-time key: a repeated post of one form (a double
    # tap, a retry, a queued offline tap) finds the check-in it made.
    submit_key = models.UUIDField(null=True, blank=True, editable=False)
    # The mood as the imported journal named it ("rad"), case and spaces
    # folded, so its place on the grid can be changed later for all its rows.
    import_label = models.CharField(max_length=60, blank=True, default="", editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[CheckInQuerySet] = CheckInQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-felt_at", "-id"]
        indexes = [
            models.Index(fields=["user", "local_date"], name="checkin_user_date"),
            models.Index(fields=["user", "-felt_at"], name="checkin_user_felt"),
        ]
        constraints = [
            mood_range_check("checkin", "pleasantness"),
            mood_range_check("checkin", "energy"),
            models.UniqueConstraint(
                "user",
                "import_key",
                name="checkin_unique_import",
                condition=Q(import_key__isnull=False),
            ),
            models.UniqueConstraint(
                "user",
                "submit_key",
                name="checkin_unique_submit",
                condition=Q(submit_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.mood.describe()}"

    @property
    def mood(self) -> Mood:
        return Mood(self.pleasantness, self.energy)

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.pleasantness, self.energy)

    @property
    def note(self) -> str:
        return decrypt_note(self)

    @property
    def note_unreadable(self) -> bool:
        return note_is_unreadable(self)

    def set_note(self, text: str) -> None:
        encrypt_note(self, text)


class CheckInTrack(models.Model):
    """A song attached to a check-in, with how it made the person feel (optional)."""

    # No index of its own: the unique (checkin, track) index starts with it.
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="track_links", db_index=False
    )
    track = models.ForeignKey("music.Track", on_delete=models.CASCADE, related_name="checkin_links")
    pleasantness = models.SmallIntegerField(null=True, blank=True, validators=mood_validators)
    energy = models.SmallIntegerField(null=True, blank=True, validators=mood_validators)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("checkin", "track", name="checkintrack_unique"),
            mood_range_check("checkintrack", "pleasantness", nullable=True),
            mood_range_check("checkintrack", "energy", nullable=True),
        ]


def pack_tokens(tokens: Sequence[int]) -> bytes:
    """Search tokens as SQLite stores them: 8 bytes each, big-endian, signed."""
    return struct.pack(f">{len(tokens)}q", *tokens)


class TokensField(models.Field):  # type: ignore[type-arg]
    """A list of signed 64-bit search tokens: `bigint[]` on PostgreSQL (with
    a GIN index, migration 0004), packed 8-byte values in a blob elsewhere."""

    description = "Search tokens (64-bit integers)"

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "bigint[]" if connection.vendor == "postgresql" else "blob"

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or isinstance(value, list):
            return value
        blob = bytes(value)
        return list(struct.unpack(f">{len(blob) // 8}q", blob))

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if value is None:
            return None
        return list(value) if connection.vendor == "postgresql" else pack_tokens(value)


class NoteIndex(models.Model):
    """Blind search index for one check-in's encrypted note: the keyed hashes
    (HMAC, per user) of its words and word prefixes, one row per check-in, so
    search works without storing note text in clear (journal/search.py)."""

    checkin = models.OneToOneField(
        CheckIn, on_delete=models.CASCADE, primary_key=True, related_name="note_index"
    )
    tokens = TokensField()

    def __str__(self) -> str:
        return f"Search index of check-in {self.checkin_id}"


class WeeklyReflection(models.Model):
    """One reflection per user and local week (Monday), with its delivery state."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not emailed"

    # No index of its own: the unique (user, week_start) index starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflections",
        db_index=False,
    )
    week_start = models.DateField(help_text="The Monday of the local week it covers.")
    content = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # When a dispatcher last handed it to a worker; lets a later dispatcher pick
    # up a reflection whose task was lost without queueing it twice meanwhile.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint("user", "week_start", name="reflection_one_per_user_week"),
        ]
        indexes = [
            # The dispatcher's sweep for unfinished deliveries stays small and fast.
            models.Index(
                fields=["status", "queued_at"],
                name="reflection_unfinished",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection for the week of {self.week_start}"


class DayAttribute(models.Model):
    """A number about one local day (hours slept, minutes of exercise, minutes
    playing or singing), beside the day's check-ins. Tags say yes or no; these
    say how much. One value per user, day and kind."""

    class Kind(models.TextChoices):
        SLEEP = "sleep_hours", "Hours slept"
        EXERCISE = "exercise_minutes", "Minutes of exercise"
        MUSIC_MAKING = "music_minutes", "Minutes playing or singing"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_attributes"
    )
    local_date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.DecimalField(max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["local_date", "kind"]
        constraints = [
            models.UniqueConstraint("user", "local_date", "kind", name="dayattribute_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0)
                & (
                    Q(kind="sleep_hours", value__lte=24)
                    | (~Q(kind="sleep_hours") & Q(value__lte=1440))
                ),
                name="dayattribute_value_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.get_kind_display()}: {self.value}"
