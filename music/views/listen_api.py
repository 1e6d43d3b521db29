"""The ListenBrainz-compatible API at ``/1/`` (music/listening/).

Token-authenticated (``Authorization: Token <token>``), so CSRF-exempt: a
browser never sends the token by itself, which is what CSRF protection is
for. Every answer is JSON; errors are ListenBrainz's ``{"code", "error"}``.
Reading is private: only the token's own user's listens, never anyone else's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import User
from music.listening import reading, submission
from music.listening.submission import ApiError
from music.listening.tokens import Caller, authenticate

View = Callable[..., HttpResponse]

# `import` batches (up to 1,000 listens) take one slot each per web process
# for their database work (parsed, checked and queued before it); the others
# wait in their threads. With gunicorn's threaded workers
# (config/gunicorn.py) this keeps a free thread, and most of the process's
# CPU, for the one-listen submissions a player sends as a song starts or
# ends, which would otherwise queue behind a history import.
IMPORT_SLOTS = threading.BoundedSemaphore(int(settings.ATTUNE_LISTEN_IMPORT_SLOTS))


def _json(data: dict[str, Any], status: int = 200, caller: Caller | None = None) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if caller is not None:
        for name, value in caller.rate.headers().items():
            response[name] = value
    return response


def api(method: str) -> Callable[[View], View]:
    """One HTTP method, CSRF-exempt, ApiError answered in ListenBrainz's shape."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != method:
                response = _json({"code": 405, "error": "The method is not allowed."}, 405)
                response["Allow"] = method
                return response
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                caller = getattr(request, "listen_caller", None)
                return _json({"code": error.status, "error": error.message}, error.status, caller)

        return wrapped

    return decorate


def _token_from_header(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "token" or not token.strip():
        raise ApiError(401, "Provided Authorization header is invalid.")
    return token.strip()


def _caller(request: HttpRequest) -> Caller:
    token = _token_from_header(request)
    if token is None:
        raise ApiError(401, "You need to provide an Authorization header.")
    caller = authenticate(token)
    if caller is None:
        raise ApiError(401, "Invalid authorization token.")
    request.listen_caller = caller  # type: ignore[attr-defined]
    if caller.rate.exceeded:
        raise ApiError(
            429,
            "You have exceeded your rate limit. See the X-RateLimit-* response headers for "
            "more information on current rate limits.",
        )
    return caller


def _read_body(request: HttpRequest) -> bytes:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    limit = submission.MAX_PAYLOAD_SIZE
    if length > limit:
        raise ApiError(413, f"Payload too large. Payload cannot exceed {limit} bytes")
    # request.read, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE is for forms,
    # and a payload may be up to ten of them; the read is bounded here instead.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise ApiError(413, f"Payload too large. Payload cannot exceed {limit} bytes")
    return raw


@api("POST")
def submit_listens(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    checked = submission.parse(_read_body(request))
    user = User.objects.get(pk=caller.user_id)
    if checked.listen_type == "import":
        submission.store(user, checked, slot=IMPORT_SLOTS)
    else:
        submission.store(user, checked)
    return _json({"status": "ok"}, caller=caller)


@api("GET")
def validate_token(request: HttpRequest) -> HttpResponse:
    try:
        token = _token_from_header(request)
    except ApiError:
        token = None
    token = token or request.GET.get("token", "")
    if not token:
        raise ApiError(400, "You need to provide an Authorization token.")
    caller = authenticate(token)
    if caller is None:
        return _json({"code": 200, "message": "Token invalid.", "valid": False})
    request.listen_caller = caller  # type: ignore[attr-defined]
    if caller.rate.exceeded:
        raise ApiError(429, "You have exceeded your rate limit.")
    return _json(
        {"code": 200, "message": "Token valid.", "valid": True, "user_name": caller.user_name},
        caller=caller,
    )


def _own(request: HttpRequest, user_name: str) -> Caller:
    """The caller, if `user_name` is theirs. Anyone else learns nothing, not
    even whether that name exists."""
    caller = _caller(request)
    if caller.user_name != user_name:
        raise ApiError(404, f"Cannot find user: {user_name[:64]}")
    return caller


def _timestamp(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, f"Incorrect {name} timestamp argument: {value[:40]}") from None
    if not 0 <= number < 2**37:
        raise ApiError(400, f"Incorrect {name} timestamp argument: {value[:40]}")
    return number


@api("GET")
def user_listens(request: HttpRequest, user_name: str) -> HttpResponse:
    caller = _own(request, user_name)
    max_ts, min_ts = _timestamp(request, "max_ts"), _timestamp(request, "min_ts")
    if max_ts is not None and min_ts is not None and max_ts <= min_ts:
        raise ApiError(400, "max_ts should be greater than min_ts")
    raw_count = request.GET.get("count") or str(reading.DEFAULT_COUNT)
    try:
        count = int(raw_count)
    except ValueError:
        raise ApiError(400, f"Invalid count argument: {raw_count[:40]}") from None
    if count < 0:
        raise ApiError(400, "Number of items requested should be positive")
    data = reading.listens(
        caller.user_id,
        caller.user_name,
        count=min(count, reading.MAX_COUNT),
        min_ts=min_ts,
        max_ts=max_ts,
    )
    return _json(data, caller=caller)


@api("GET")
def user_playing_now(request: HttpRequest, user_name: str) -> HttpResponse:
    caller = _own(request, user_name)
    return _json(reading.playing_now(caller.user_id, caller.user_name), caller=caller)
