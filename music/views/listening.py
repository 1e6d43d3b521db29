"""Settings → Listening: the user's API name and token for the listening API,
a way to replace the token, and set-up notes for common players."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedHtmxRequest
from music.listening.tokens import replace_key, token_for


@login_required
@require_GET
@never_cache
def listening_settings(request: AuthedHtmxRequest) -> HttpResponse:
    token = token_for(request.user)
    context = {"token": token, "site_url": settings.SITE_URL}
    return render(request, "music/listening.html", context)


@login_required
@require_POST
def listening_new_token(request: AuthedHtmxRequest) -> HttpResponse:
    replace_key(request.user)
    messages.success(
        request,
        "Here is your new token. The old one has stopped working: paste this one into "
        "your players and scrobblers.",
    )
    return redirect("music:listening_settings")
