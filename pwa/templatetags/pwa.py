from __future__ import annotations

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


@register.filter
def device_account(user: object) -> str:
    """An opaque name for the logged-in person, for the service worker: taps
    kept offline are sent only from a page of the account they were made in."""
    key = str(getattr(user, "pk", ""))
    return salted_hmac("attune.pwa.device-account", key, algorithm="sha256").hexdigest()[:24]
