from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from journal.models import WeeklyReflection


@login_required
@require_GET
def reflection_list(request: AuthedHtmxRequest) -> HttpResponse:
    reflections = WeeklyReflection.objects.filter(user=request.user)
    return render(request, "journal/reflections.html", {"reflections": reflections})
