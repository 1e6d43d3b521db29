from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def zone_or_utc(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called `name`, or UTC when the name is blank or unknown
    (a zone dropped from the system's tz data, an imported file's typo): the
    one fallback for a user's zone and for a check-in's own zone."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Attune. Logs in with an email address."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # On a touch screen a tap on the grid saves at once, instead of first
    # showing what the square means (for those who know the grid).
    one_tap_checkin = models.BooleanField(default=False)

    # Weekly reflection: a local weekday and time, or off.
    reflection_enabled = models.BooleanField(default=True)
    reflection_weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=0)
    reflection_time = models.TimeField(default=dt.time(8, 0))
    reflection_include_notes = models.BooleanField(
        default=False, help_text="Put note excerpts in the reflection email."
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_or_utc(self.time_zone)

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.zone)

    def local_today(self) -> dt.date:
        return self.local_now().date()


class Session(AbstractBaseSession):
    """Django's database session with the logged-in user's id beside it, so the
    sessions of one person are found by an index instead of by decoding every
    live session on the instance (account deletion). Written on every save by
    config.sessions.SessionStore; not a foreign key, so a request still saving
    its session while the account is being deleted cannot fail."""

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        return store


class Throttle(models.Model):
    """A counter for one thing being limited (password-reset emails to one
    address, from one IP, ...). `key` is a keyed hash, so the table never holds
    an address or an IP in the clear (accounts/throttle.py)."""

    key = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Throttle {self.key[:8]}…"


class AccountEmail(models.Model):
    """An email about the account that must not be lost to a broker outage: the
    row is written first, a worker sends it (accounts/outbox.py)."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password_reset", "Password reset"
        SIGNUP_ATTEMPT = "signup_attempt", "Sign-up with an existing address"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    domain = models.CharField(max_length=255, blank=True)
    use_https = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], name="accountemail_unsent", condition=Q(sent_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Invitation(models.Model):
    """An invitation to sign up when ATTUNE_SIGNUP is "invite". Only a hash of
    the token is stored; the link holds the token itself (accounts/invitations.py)."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
