"""The address a request came from, behind ATTUNE_TRUSTED_PROXIES proxies.

With no proxy configured it is REMOTE_ADDR and X-Forwarded-For is ignored
(anyone can send that header). Behind N proxies each appends the address it
was reached from, so the client is the N-th entry from the right of
X-Forwarded-For; anything further left was written by the client and is not
believed. django-axes (AXES_CLIENT_IP_CALLABLE) and our own throttles use this
one function, so they count the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "ATTUNE_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # The proxies did not write what they were said to: trust only the socket.
        return remote
    return _valid(forwarded[-proxies]) or remote
