from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthedHtmxRequest
from music import links
from music.forms import LibraryFilterForm
from music.imports.csvrows import safe_cell
from music.library import library as library_query
from music.models import Listen

PAGE_SIZE = 50


@login_required
@require_GET
@never_cache
def library(request: AuthedHtmxRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    tracks = library_query(
        request.user,
        query=filters.get("q", ""),
        sort=filters.get("sort") or "plays",
        quadrant=filters.get("quadrant", ""),
        comfort=bool(filters.get("comfort")),
    )
    page = Paginator(tracks, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "query_string": params.urlencode()}
    template = "music/library.html#results" if request.htmx else "music/library.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _listen_rows(user_id: int) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            "played_at_utc",
            "artist",
            "title",
            "album",
            "ms_played",
            "skipped",
            "source",
            "recording_mbid",
            "spotify_uri",
            "isrc",
            "release_mbid",
            "origin_url",
        ]
    )
    rows = (
        Listen.objects.filter(user_id=user_id)
        .order_by("played_at", "pk")
        .values_list(
            "played_at",
            "track__artist__name",
            "track__title",
            "track__album",
            "ms_played",
            "skipped",
            "source",
            "track__mbid",
            "track__spotify_uri",
            "track__isrc",
            "details",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        played_at, artist, title, album, ms, skipped, source, mbid, uri, isrc, details = row
        details = details if isinstance(details, dict) else {}
        origin = details.get("origin_url")
        yield writer.writerow(
            [
                played_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                safe_cell(artist),
                safe_cell(title),
                safe_cell(album),
                "" if ms is None else ms,
                "yes" if skipped else "no",
                # Every text cell, identifiers too: imports bring them as written.
                safe_cell(source),
                safe_cell(mbid),
                safe_cell(uri),
                safe_cell(isrc),
                safe_cell(details.get("release_mbid")),
                safe_cell(origin) if links.is_playable_url(origin) else "",
            ]
        )


@login_required
@require_GET
@never_cache
def listens_csv(request: AuthedHtmxRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _listen_rows(request.user.pk), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="attune-listens.csv"'
    return response
