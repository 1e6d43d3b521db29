from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderPlan(models.Model):
    """Where a person's reminders go, and when never to send one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_plan"
    )
    by_push = models.BooleanField(default=False)
    by_email = models.BooleanField(default=False)
    # Apprise URLs (ntfy://, gotify://, json://, ...), one a line.
    apprise_urls = models.TextField(blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    after_listening = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Reminders for {self.user_id}"

    @property
    def apprise_list(self) -> list[str]:
        return [line.strip() for line in self.apprise_urls.splitlines() if line.strip()]

    @property
    def goes_somewhere(self) -> bool:
        return self.by_push or self.by_email or bool(self.apprise_list)

    def is_quiet(self, local: dt.time) -> bool:
        """Quiet hours may wrap midnight (22:00-07:00)."""
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end


class ReminderTime(models.Model):
    """A reminder a day: at `at`, or at a random moment between `at` and `until`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_times"
    )
    at = models.TimeField()
    until = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        if self.until:
            return f"some time between {self.at:%H:%M} and {self.until:%H:%M}"
        return f"at {self.at:%H:%M}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (RFC 8030/8291)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.endpoint[:60]

    def as_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class ReminderSend(models.Model):
    """One reminder for one user, local date and slot. Inserting the row claims
    the slot (the unique constraint), so dispatchers that overlap or run twice
    make one; delivery is the claim-lease-fence state machine of
    reminders/delivery.py."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent"
        FAILED = "failed", "Failed"

    LISTENING = "listening"  # the slot of the after-listening nudge

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_sends"
    )
    local_date = models.DateField()
    slot = models.CharField(max_length=40, help_text="t<ReminderTime id>, or 'listening'.")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                "user", "local_date", "slot", name="remindersend_one_per_user_day_slot"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "due_at"],
                name="remindersend_unfinished",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.slot} on {self.local_date}"
