"""The app's URLs plus two baselines for the check-in load test (QUALITY 14):
a plain "hello" view, and the least any logged-in write can do in Django —
session and user looked up, CSRF checked, one row inserted in a transaction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import AuthedHtmxRequest
from journal.models import CheckIn


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


@require_POST
@login_required
def one_row(request: AuthedHtmxRequest) -> HttpResponse:
    now = timezone.now()
    with transaction.atomic():
        CheckIn.objects.create(
            user=request.user,
            pleasantness=2,
            energy=1,
            felt_at=now,
            local_date=now.date(),
            time_zone="UTC",
        )
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/hello", hello),
    path("bench/one-row", one_row),
    path("", include("config.urls")),
]
