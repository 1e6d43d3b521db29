"""An HTTP POST with a *commit point* before its last byte, for Web Push.

pywebpush hands the encrypted, signed request to whatever `requests_session`
it is given (`session.post(endpoint, data=, headers=, timeout=)`). This
session sends the request line, the headers and every byte of the body but
the last, then calls `commit_point()` (the caller records the reminder as sent
and commits), then sends the last byte and reads the answer:

* killed before the commit point, the push service holds an incomplete
  request, which it discards when the connection drops: a retry sends the only
  copy;
* killed after it, the last byte is in the kernel's socket buffer (delivered
  once) or not yet written (a window of microseconds in which the reminder is
  recorded as sent and never arrives: at most once, never twice).

It is the same shape as the SMTP commit point of the weekly reflections
(journal/smtp.py); docs/reminders.md walks through the crash points.
"""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class Unconfirmed(Exception):
    """The whole request went out after the commit point, but no answer came
    back: the push service may well have accepted it, so it is not re-sent."""


@dataclass
class PushResponse:
    """The parts of a `requests.Response` that pywebpush reads."""

    status_code: int
    reason: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)


class CommitPointSession:
    """A stand-in for `requests` that calls `commit_point` before the last byte."""

    def __init__(self, commit_point: Callable[[], None]) -> None:
        self.commit_point = commit_point

    def post(
        self, url: str, *, data: bytes | None, headers: Mapping[str, str], timeout: float
    ) -> PushResponse:
        parts = urlsplit(url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.netloc, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.netloc, timeout=timeout)
        body = data or b""
        try:
            connection.putrequest("POST", parts.path + (f"?{parts.query}" if parts.query else ""))
            for name, value in headers.items():
                if name.lower() != "content-length":
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body[:-1] if body else None)
            self.commit_point()  # raises to abandon: the last byte never goes
            if body:
                connection.send(body[-1:])
            try:
                answer = connection.getresponse()
                text = answer.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as error:
                raise Unconfirmed(f"{type(error).__name__}: {error}") from error
            return PushResponse(answer.status, answer.reason, text, dict(answer.getheaders()))
        finally:
            connection.close()
