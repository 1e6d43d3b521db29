from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()
# Everything loaded so far (Django, the URLconf, the templates' modules) lives
# as long as the process: move it out of the collector's generations, so a
# full collection in the middle of a request walks only that request's objects.
gc.collect()
gc.freeze()

from accounts.middleware import NOT_UTF8, utf8_or_unspecified  # noqa: E402  (needs settings)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django, behind the charset check of accounts.middleware.Utf8RequestMiddleware.

    The check runs here as well because Django reads the query string while it
    builds the request, before any middleware: a charset that is a codec but not
    a text encoding (`charset=base64`) would make that a 500."""
    if not utf8_or_unspecified(environ.get("CONTENT_TYPE", "")):
        body = NOT_UTF8.encode()
        start_response(
            "400 Bad Request",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]
    return django_application(environ, start_response)  # type: ignore[no-any-return]
