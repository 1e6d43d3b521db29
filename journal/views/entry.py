"""Past entries in full, from History: one check-in (/history/entries/<pk>/)
or every check-in of a calendar day (/history/day/<date>/), with Edit and
Delete (and Undo, as on the check-in page). Without JavaScript these are
pages and POST/redirect/GET; with HTMX an entry expands in place in the
timeline and Delete/Undo swap just the entry."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedHtmxRequest
from journal import checkins, entries
from journal.models import CheckIn

PARTIAL = "journal/partials/_entry.html"


def _answer(request: AuthedHtmxRequest, found: entries.FullEntry) -> HttpResponse:
    context = {"e": found, "undo_minutes": checkins.UNDO_SECONDS // 60}
    if request.htmx:
        response = render(request, PARTIAL, context)
    else:
        response = render(request, "journal/entry.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
@never_cache
def entry(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    found = entries.entry(request.user, pk)
    if found is None:
        raise Http404("No such check-in.")
    return _answer(request, found)


@login_required
@require_POST
@never_cache
def entry_delete(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn.objects.live(), pk=pk, user=request.user)
    checkins.delete_checkin(checkin)
    if not request.htmx:
        messages.success(
            request,
            f"Check-in deleted. You can undo this for {checkins.UNDO_SECONDS // 60} minutes.",
        )
        return redirect("journal:history_entry", pk=pk)
    found = entries.entry(request.user, pk)
    assert found is not None  # just deleted: inside its undo window
    return _answer(request, found)


@login_required
@require_POST
@never_cache
def entry_restore(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, user=request.user)
    if checkin.deleted_at is not None and not checkins.undo_delete(checkin):
        messages.info(request, "That check-in was removed a while ago and can't be brought back.")
        return redirect("journal:history")
    if not request.htmx:
        messages.success(request, "Check-in restored.")
        return redirect("journal:history_entry", pk=pk)
    found = entries.entry(request.user, pk)
    if found is None:
        raise Http404("No such check-in.")
    return _answer(request, found)


@login_required
@require_GET
@never_cache
def day(request: AuthedHtmxRequest, date: str) -> HttpResponse:
    try:
        when = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404("No such day.") from None
    found = entries.day(request.user, when)
    context = {
        "day": found,
        "previous": when - dt.timedelta(days=1),
        "next": when + dt.timedelta(days=1),
        "undo_minutes": checkins.UNDO_SECONDS // 60,
    }
    return render(request, "journal/day.html", context)
