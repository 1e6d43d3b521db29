from __future__ import annotations

import logging
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accounts import throttle
from accounts.client_ip import client_ip
from accounts.models import AccountEmail, User
from accounts.outbox import queue_email
from config.text import CleanCharField

logger = logging.getLogger(__name__)


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
    """A zone's IANA name (an old name a browser reports becomes today's), or
    a form error that suggests the zones the text might mean ("Berlin")."""
    text = (value or "").strip()
    text = LEGACY_ZONES.get(text, text)
    names = dict(time_zone_choices())
    if text in names:
        return text
    if not text:
        raise forms.ValidationError("Please pick your time zone from the list.")
    wanted = "_".join(text.lower().split())
    close = [name for name in names if name.lower().rsplit("/", 1)[-1] == wanted]
    hint = f" Did you mean {' or '.join(close[:3])}?" if close else ""
    shown = text if len(text) <= 64 else text[:64] + "…"
    raise forms.ValidationError(
        f"We don't know the time zone “{shown}”.{hint} Please pick one from the list, "
        "like Europe/Berlin or America/Los_Angeles."
    )


class TimeZoneInput(forms.TextInput):
    """A text box with every IANA zone as a suggestion list (a <datalist>):
    type "Berl" and pick Europe/Berlin. Works without JavaScript; with it the
    browser's own zone is filled in where the box holds the default."""

    def __init__(self, *, detect: bool = True) -> None:
        attrs = {"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}
        if detect:
            attrs["data-detect-timezone"] = ""
        super().__init__(attrs)

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">', ((z,) for z, _ in time_zone_choices())
        )
        return mark_safe(box + format_html('<datalist id="time-zones">{}</datalist>', options))  # noqa: S308


class TimeZoneField(forms.CharField):
    def __init__(self, *, detect: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time zone")
        super().__init__(max_length=200, widget=TimeZoneInput(detect=detect), **kwargs)

    def clean(self, value: Any) -> str:
        return clean_time_zone(str(value or ""))


TAKEN_EMAIL = "There is already an account with this email. You can log in or reset your password."


class SignupForm(BaseUserCreationForm):  # type: ignore[type-arg]
    """Sign-up. An address that already has an account is *not* an error here
    (that would tell anyone who has an account): the view sends its owner a
    note instead and shows the same "check your email" step (accounts/signup.py)."""

    display_name = CleanCharField(
        max_length=80, required=False, label="What should we call you? (optional)"
    )
    time_zone = TimeZoneField(
        initial="UTC",
        help_text="Filled in from your browser; type a city to search. You can change it in "
        "settings.",
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone"]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def validate_unique(self) -> None:
        """Uniqueness is the view's question (see the class docstring)."""


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(detect=False)


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label="New email address", max_length=254)
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError("That is already your address.")
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(TAKEN_EMAIL)
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password doesn't match.")
        return password


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
    time_zone = TimeZoneField(
        detect=False, help_text="Type a city to search, e.g. Berlin or Los Angeles."
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "time_zone",
            "one_tap_checkin",
            "reflection_enabled",
            "reflection_weekday",
            "reflection_time",
            "reflection_include_notes",
        ]
        labels = {
            "one_tap_checkin": "On a touch screen, save with one tap on the grid "
            "(without first showing what the square means)",
            "reflection_enabled": "Send me a weekly reflection by email",
            "reflection_weekday": "On",
            "reflection_time": "At (your local time)",
            "reflection_include_notes": "Include short excerpts of my notes in the email",
        }
        widgets = {
            "reflection_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class QueuedPasswordResetForm(PasswordResetForm):
    """Queues the reset email as a row a worker sends (accounts.outbox), within
    the throttles: per IP, then per address (accounts.throttle). Whatever
    happens the page says the same "check your email", so it tells nobody
    whether an address has an account or has been asked for too often."""

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        request = kwargs.get("request")
        use_https = bool(kwargs.get("use_https"))
        domain = request.get_host() if request is not None else ""
        email = self.cleaned_data["email"].strip().lower()
        address = client_ip(request) if request is not None else ""
        if not throttle.hit("reset-ip", address, settings.ATTUNE_RESET_PER_IP_PER_HOUR):
            logger.info("Password reset throttled (address of the request).")
            return
        if not throttle.hit("reset-email", email, settings.ATTUNE_RESET_PER_EMAIL_PER_HOUR):
            logger.info("Password reset throttled (email address).")
            return
        for user in self.get_users(email):
            queue_email(user, AccountEmail.Kind.PASSWORD_RESET, domain, use_https)
