from __future__ import annotations

import codecs
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import parse_header_parameters


class UserTimezoneMiddleware:
    """Render dates and times in the logged-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)  # type: ignore[union-attr]
        else:
            timezone.deactivate()
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuse request bodies over MAX_UPLOAD_BYTES before anything reads them.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not apply to file uploads, so
    without this a huge multipart upload would be streamed to disk first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_BYTES:
            limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
            html = render_to_string(
                "413.html", {"limit_mb": limit_mb, "request": request}, request=request
            )
            return HttpResponse(html, status=413)
        return self.get_response(request)


NOT_UTF8 = "Attune reads what you send only as UTF-8. Please send it again as UTF-8.\n"


def utf8_or_unspecified(content_type: str) -> bool:
    """Browsers send forms as UTF-8. A request that claims another charset could
    decode to lone surrogates (`unicode_escape`) that no database, password
    hasher or page can encode, or crash Django itself (`base64` is a codec but
    not a text encoding), so it is refused rather than read."""
    try:
        charset = parse_header_parameters(content_type)[1].get("charset")
    except ValueError:
        return True  # Django answers a malformed Content-Type with a 400 itself
    if charset is None:
        return True
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return True  # Django ignores a charset it doesn't know and reads UTF-8


class Utf8RequestMiddleware:
    """Refuse a request whose Content-Type names a charset other than UTF-8."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not utf8_or_unspecified(request.META.get("CONTENT_TYPE", "")):
            return HttpResponseBadRequest(NOT_UTF8, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Nothing shown to a logged-in person may be kept by a browser or proxy cache.

    Every page behind login can hold journal content (notes, moods, songs), so
    rather than trusting each view to remember `@never_cache`, any response to an
    authenticated request is marked `no-store, private`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.setdefault("Expires", "0")
        return response
