from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedHtmxRequest
from accounts.models import User
from journal.models import WeeklyReflection
from journal.reflections.content import ReflectionContent
from journal.reflections.context import quadrant_mix, reflection_context, week_label
from journal.reflections.unsubscribe import read_unsubscribe_token


@login_required
@require_GET
@never_cache
def reflection_list(request: AuthedHtmxRequest) -> HttpResponse:
    reflections = (
        WeeklyReflection.objects.filter(user=request.user)
        .exclude(content={})
        .only("id", "week_start", "content", "status")
    )
    rows = []
    for r in reflections:
        content = ReflectionContent.from_stored(r.content)
        rows.append(
            {
                "reflection": r,
                "label": week_label(r.week_start),
                "count": content.count,
                "mix": quadrant_mix(content),
                "suggestions": [s.name for s in content.suggestions],
            }
        )
    return render(request, "journal/reflections.html", {"rows": rows})


@login_required
@require_GET
@never_cache
def reflection_detail(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    reflection = get_object_or_404(
        WeeklyReflection.objects.select_related("user").exclude(content={}),
        pk=pk,
        user=request.user,
    )
    return render(
        request, "journal/reflection_detail.html", reflection_context(reflection, for_email=False)
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from an email: no login needed. Mail clients POST
    `List-Unsubscribe=One-Click` without a CSRF token (RFC 8058), so that one
    request is CSRF-exempt; the confirm button on the page is CSRF-protected."""
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return _unsubscribe(request, token, one_click=True)
    return _unsubscribe_page(request, token)


@csrf_protect
def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    return _unsubscribe(request, token, one_click=False)


def _unsubscribe(request: HttpRequest, token: str, *, one_click: bool) -> HttpResponse:
    """What the email is and how to turn it off come from its purpose
    (journal/reflections/unsubscribe.py; reminders registers "reminder")."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0]).first() if found else None
    if found is None or user is None:
        return render(request, "journal/unsubscribe.html", {"invalid": True}, status=404)
    purpose = found[1]
    done = False
    if request.method == "POST":
        purpose.turn_off(user)
        done = True
    if one_click:
        return HttpResponse("Unsubscribed.", content_type="text/plain")
    return render(
        request,
        "journal/unsubscribe.html",
        {
            "what": purpose.what,
            "kept": purpose.kept,
            "settings_url": reverse(purpose.settings_url),
            "done": done,
            "already": not done and not purpose.is_on(user),
        },
    )
