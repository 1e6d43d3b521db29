from __future__ import annotations

from typing import Any

from django import forms

from config.text import CleanCharField
from reminders.channels import valid_apprise_url
from reminders.models import ReminderPlan, ReminderTime

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlanForm(forms.ModelForm[ReminderPlan]):
    apprise_urls = CleanCharField(
        required=False,
        max_length=4000,
        strip=True,
        label="Apprise URLs (one a line)",
        help_text="Send reminders to ntfy, Gotify, Matrix, Signal, Telegram and more, "
        "e.g. ntfy://ntfy.sh/my-topic or gotify://host/token.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    class Meta:
        model = ReminderPlan
        fields = [
            "by_push",
            "by_email",
            "apprise_urls",
            "quiet_start",
            "quiet_end",
            "after_listening",
        ]
        labels = {
            "by_push": "As a notification on the devices where I turned them on",
            "by_email": "By email",
            "quiet_start": "Quiet hours from",
            "quiet_end": "until",
            "after_listening": "After I've listened to music for 20 minutes or more, ask how I "
            "feel (at most once a day)",
        }
        widgets = {"quiet_start": TIME, "quiet_end": TIME}

    def clean_apprise_urls(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["apprise_urls"].splitlines()]
        lines = [line for line in lines if line]
        for line in lines:
            if not valid_apprise_url(line):
                shown = line if len(line) <= 60 else line[:60] + "…"
                raise forms.ValidationError(
                    f"Apprise doesn't recognise “{shown}”. Check the address, e.g. "
                    "ntfy://ntfy.sh/my-topic."
                )
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("quiet_start") is None) != (cleaned.get("quiet_end") is None):
            self.add_error("quiet_end", "Please give both ends of your quiet hours, or neither.")
        return cleaned


class ReminderTimeForm(forms.ModelForm[ReminderTime]):
    class Meta:
        model = ReminderTime
        fields = ["at", "until"]
        labels = {"at": "At", "until": "Or at some time until (optional)"}
        widgets = {"at": TIME, "until": TIME}
        error_messages = {
            "at": {
                "required": "Please choose a time.",
                "invalid": "Please enter a time like 20:30.",
            }
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("until") is not None and cleaned.get("until") == cleaned.get("at"):
            self.add_error("until", "Please choose a later time, or leave it empty.")
        return cleaned


class PushSubscriptionForm(forms.Form):
    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError("A push endpoint must be an https:// address.")
        return endpoint
