"""Attune's URLs plus /test-error/, a view that raises (tests/embedded_settings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as attune_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error on purpose: SECRET-DETAIL-IN-TRACEBACK")


urlpatterns = [path("test-error/", fail), *attune_urlpatterns]
