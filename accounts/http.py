from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedHtmxRequest(HtmxRequest):
    """A request from a logged-in user (views decorated with @login_required)."""

    user: User  # type: ignore[assignment]
