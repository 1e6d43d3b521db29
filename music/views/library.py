from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest


@login_required
@require_GET
def library(request: AuthedHtmxRequest) -> HttpResponse:
    return render(request, "music/library.html", {})
