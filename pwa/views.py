"""The web app manifest, the service worker (served from the site's root so
it may control every page) and the offline page it falls back to."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

NAME = "Attune"
THEME_COLOUR = "#9a4a26"  # the accent, as the title bar of the installed app
BACKGROUND_COLOUR = "#faf6f0"

# The app shell: every page's styles and scripts, and the icons. Pages are
# never cached (they hold a person's check-ins and notes); the offline page is
# the one page the service worker keeps, and it holds nothing personal.
SHELL = [
    "css/attune.css",
    "css/checkin.css",
    "css/history.css",
    "css/reflections.css",
    "css/playlists.css",
    "css/imports.css",
    "css/music.css",
    "js/attune.js",
    "js/mood-grid.js",
    "js/offline.js",
    "js/push.js",
    "vendor/htmx-2.0.11.min.js",
    "img/icon.svg",
    "img/icon-192.png",
]
ICONS = [
    ("img/icon-192.png", "192x192", "image/png", "any"),
    ("img/icon-512.png", "512x512", "image/png", "any"),
    ("img/maskable-192.png", "192x192", "image/png", "maskable"),
    ("img/maskable-512.png", "512x512", "image/png", "maskable"),
    ("img/icon.svg", "any", "image/svg+xml", "any"),
]


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    body = {
        "id": "/",
        "name": NAME,
        "short_name": NAME,
        "description": "Check in with how you feel, with the music you live with.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}
            for path, sizes, kind, purpose in ICONS
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")


@cache
def shell_version() -> str:
    """Changes whenever a shell file or the worker itself changes, so browsers
    fetch the new worker and it refreshes its cache."""
    digest = hashlib.sha256(get_template("pwa/sw.js").template.source.encode())  # type: ignore[attr-defined]
    for path in SHELL:
        found = finders.find(path)
        digest.update(path.encode())
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": shell_version(),
        "shell": json.dumps([static(path) for path in SHELL] + ["/offline/"]),
    }
    body = render_to_string("pwa/sw.js", context)
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(no_cache=True)
def offline(request: HttpRequest) -> HttpResponse:
    """What a page the network could not fetch shows instead. Rendered without
    the person (the worker caches it): the grid posts to "/" as usual, and the
    worker keeps the tap until the connection returns."""
    return render(request, "pwa/offline.html", {"offline_page": True})
