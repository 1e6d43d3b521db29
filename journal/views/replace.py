"""/import/moods/<source>/: move an imported journal's moods on the grid
after the import (Settings → Imports links here), updating every check-in
that came in under each mood name in one step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedHtmxRequest
from journal.imports.forms import MoodPlacementForm
from journal.imports.replace import IMPORTED_SOURCES, imported_moods, replace_moods
from journal.models import CheckIn


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def replace(request: AuthedHtmxRequest, source: str) -> HttpResponse:
    if source not in IMPORTED_SOURCES:
        raise Http404("No such kind of import.")
    moods = imported_moods(request.user, source)
    labels = [mood.label for mood in moods]
    current = {mood.label: mood.placement for mood in moods}
    form = MoodPlacementForm(labels, dict(current), request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = replace_moods(request.user, source, form.placements())
        messages.success(
            request,
            f"Moved {changed} check-in{'s' if changed != 1 else ''}."
            if changed
            else "Nothing moved: every mood is where it was.",
        )
        return redirect("journal:journal_import_replace", source=source)
    grids = form.grids()
    counts = {mood.label: mood.count for mood in moods}
    for grid in grids:
        grid["count"] = counts[grid["label"]]
    context = {
        "grids": grids,
        "form": form,
        "source": source,
        "source_label": CheckIn.Source(source).label,
    }
    return render(request, "journal/import_replace.html", context)
