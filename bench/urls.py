"""The app's URLs plus a plain "hello" view: the throughput baseline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("config.urls")),
]
