from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm

from accounts.models import User
from config.queue import send_by_name_on_commit
from config.text import CleanCharField

# accounts/tasks.py, sent by name: a form never imports a tasks module.
RESET_EMAIL_TASK = "accounts.tasks.send_password_reset"


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


# Browsers (ICU) still report some zones by their old names; store today's name.
LEGACY_ZONES = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "America/Godthab": "America/Nuuk",
    "Pacific/Enderbury": "Pacific/Kanton",
}


def clean_time_zone(value: str) -> str:
    if value not in dict(time_zone_choices()):
        raise forms.ValidationError("Please pick a time zone from the list.")
    return value


class SignupForm(BaseUserCreationForm):  # type: ignore[type-arg]
    display_name = CleanCharField(
        max_length=80, required=False, label="What should we call you? (optional)"
    )
    time_zone = forms.CharField(
        max_length=64,
        initial="UTC",
        help_text="Filled in from your browser; you can change it in settings.",
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "There is already an account with this email. You can log in or reset "
                "your password."
            )
        return email

    def clean_time_zone(self) -> str:
        value = (self.cleaned_data.get("time_zone") or "UTC").strip()
        value = LEGACY_ZONES.get(value, value)
        # An unknown zone from the browser should not block signing up.
        return value if value in dict(time_zone_choices()) else "UTC"


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That email and password don't match an account. Please try again.",
        "inactive": "This account is not active.",
    }


class SettingsForm(forms.ModelForm[User]):
    display_name = CleanCharField(max_length=80, required=False, label="Display name")
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Time zone")

    class Meta:
        model = User
        fields = [
            "display_name",
            "time_zone",
            "reflection_enabled",
            "reflection_weekday",
            "reflection_time",
            "reflection_include_notes",
            "reminder_enabled",
            "reminder_time",
        ]
        labels = {
            "reflection_enabled": "Send me a weekly reflection by email",
            "reflection_weekday": "On",
            "reflection_time": "At (your local time)",
            "reflection_include_notes": "Include short excerpts of my notes in the email",
            "reminder_enabled": "Send me a gentle daily reminder",
            "reminder_time": "Reminder time (your local time)",
        }
        widgets = {
            "reflection_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class QueuedPasswordResetForm(PasswordResetForm):
    """Hands the reset email to a Celery worker; the worker makes the token itself,
    so no reset link ever sits in the broker."""

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        request = kwargs.get("request")
        use_https = bool(kwargs.get("use_https"))
        domain = request.get_host() if request is not None else ""
        for user in self.get_users(self.cleaned_data["email"]):
            send_by_name_on_commit(RESET_EMAIL_TASK, user.pk, domain, use_https)
