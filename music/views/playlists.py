"""/playlists/: make a playlist that moves with you, see its path, keep and edit it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedHtmxRequest
from music.imports.playlist_files import entries_for
from music.imports.playlists_io import CONTENT_TYPES, FORMATS, render_playlist
from music.models import Playlist, PlaylistItem, Track, UserTrack
from music.playlist_engine import PRESETS
from music.playlist_forms import (
    CUSTOM,
    MakePlaylistForm,
    RateForm,
    RenameForm,
    SavePlaylistForm,
    point_value,
)
from music.playlists import (
    PlaylistPlan,
    generate,
    latest_checkin_mood,
    rate_track,
    save_plan,
)

ViewWithPlaylist = Callable[..., HttpResponse]


def owned_playlist(view: ViewWithPlaylist) -> ViewWithPlaylist:
    """Look the playlist up among the user's own before anything else, so another
    user's id is a 404 whatever the method (never a 405 that confirms it exists)."""

    @wraps(view)
    def wrapper(request: AuthedHtmxRequest, pk: int, **kwargs: object) -> HttpResponse:
        playlist = get_object_or_404(Playlist, pk=pk, user=request.user)
        return view(request, playlist, **kwargs)

    return wrapper


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


def _plan_songs(plan: PlaylistPlan) -> list[tuple[int, tuple[float, float] | None, str]]:
    return [
        (number, item.point, f"{item.track.artist.name} – {item.track.title}")
        for number, item in enumerate(plan.items, start=1)
    ]


def _rate_choice(request: AuthedHtmxRequest, plan: PlaylistPlan | None) -> Track | None:
    """The song whose rating grid is shown: the one asked for, or the most played."""
    if plan is None or not plan.suggest_rating:
        return None
    wanted = request.GET.get("rate", "")
    for track in plan.suggest_rating:
        if str(track.pk) == wanted:
            return track
    return plan.suggest_rating[0]


@login_required
@require_GET
@never_cache
def playlist_list(request: AuthedHtmxRequest) -> HttpResponse:
    """Saved playlists, the form to make one, and (when asked) a preview."""
    user = request.user
    plan: PlaylistPlan | None = None
    form = MakePlaylistForm(request.GET) if "preset" in request.GET else MakePlaylistForm()
    if form.is_bound and form.is_valid():
        plan = generate(user, **form.generate_kwargs())  # type: ignore[arg-type]
    checkin_mood = latest_checkin_mood(user)
    context: dict[str, object] = {
        "form": form,
        "plan": plan,
        "plan_songs": _plan_songs(plan) if plan else [],
        "presets": PRESETS,
        "custom": CUSTOM,
        "checkin_mood": checkin_mood,
        # The start grid shows the latest check-in until another point is picked.
        "start_value": request.GET.get("start", "") or point_value(checkin_mood),
        "target_value": request.GET.get("target", ""),
        "start_open": form.is_bound and form.data.get("start_from") == "point",
        "rate_track": _rate_choice(request, plan),
        "rate_links": _rate_links(request, plan),
        "here": request.get_full_path(),
        "another_mix": _another_mix(request) if plan else "",
        "playlists": Playlist.objects.filter(user=user).annotate(song_count=Count("items")),
    }
    if plan is not None:
        context["save_fields"] = _save_fields(form, plan)
    template = "music/playlists.html"
    if request.htmx and request.htmx.target == "maker":
        template += "#maker"
    return _vary(render(request, template, context))


def _rate_links(request: AuthedHtmxRequest, plan: PlaylistPlan | None) -> list[tuple[Track, str]]:
    if plan is None:
        return []
    links = []
    for track in plan.suggest_rating:
        params = request.GET.copy()
        params["rate"] = str(track.pk)
        links.append((track, f"{reverse('music:playlists')}?{params.urlencode()}#rate"))
    return links


def _another_mix(request: AuthedHtmxRequest) -> str:
    params = request.GET.copy()
    try:
        seed = int(params.get("seed") or 0)
    except ValueError:
        seed = 0
    params["seed"] = str((seed + 1) % 1_000_000)
    params.pop("rate", None)
    return f"{reverse('music:playlists')}?{params.urlencode()}"


def _save_fields(form: MakePlaylistForm, plan: PlaylistPlan) -> list[tuple[str, str]]:
    """Hidden fields that let the save form make exactly the playlist previewed
    (generation is deterministic for the same inputs and seed)."""
    data = form.cleaned_data
    return [
        ("preset", data["preset"]),
        ("start_from", data["start_from"]),
        ("start", point_value(data["start"])),
        ("target", point_value(data["target"])),
        ("mode", data["mode"]),
        ("length", str(data["length"])),
        ("seed", str(data.get("seed") or 0)),
    ]


@login_required
@require_POST
def playlist_save(request: AuthedHtmxRequest) -> HttpResponse:
    form = SavePlaylistForm(request.POST)
    if not form.is_valid():
        if set(form.errors) == {"name"}:
            # Only the name is wrong: back to the same preview, saying why.
            messages.error(request, " ".join(str(e) for e in form.errors["name"]))
            keep = [(k, request.POST.get(k, "")) for k in MakePlaylistForm.base_fields]
            return HttpResponseRedirect(f"{reverse('music:playlists')}?{urlencode(keep)}")
        messages.error(request, "That playlist could not be saved. Please try making it again.")
        return redirect("music:playlists")
    plan = generate(request.user, **form.generate_kwargs())  # type: ignore[arg-type]
    if not plan.tracks:
        messages.error(request, "There are no songs to save yet. Rating a few songs helps.")
        return redirect("music:playlists")
    playlist = save_plan(request.user, plan, form.cleaned_data.get("name") or None)
    messages.success(request, f"Saved “{playlist.name}”.")
    return redirect("music:playlist_detail", pk=playlist.pk)


@login_required
@require_POST
def playlist_rate(request: AuthedHtmxRequest) -> HttpResponse:
    """Rate one of your songs from the playlist page, then go back to it."""
    form = RateForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("music:playlists")
    back = back or reverse("music:playlists")
    if not form.is_valid():
        messages.error(request, "Please choose a point on the grid for that song.")
        return HttpResponseRedirect(back)
    track_id = form.cleaned_data["track"]
    if not rate_track(request.user, track_id, form.cleaned_data["mood"]):
        messages.error(request, "That song is not in your library.")
        return HttpResponseRedirect(back)
    title = Track.objects.filter(pk=track_id).values_list("title", flat=True).first() or "the song"
    messages.success(request, f"Thank you, “{title}” now has your feel.")
    # Show the next song to rate rather than the one just rated.
    base, _, query = back.partition("?")
    params = [(k, v) for k, v in _parse_qsl(query) if k != "rate"]
    return HttpResponseRedirect(f"{base}?{urlencode(params)}" if params else base)


def _parse_qsl(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def _detail_context(playlist: Playlist) -> dict[str, object]:
    items = list(playlist.items.select_related("track__artist"))
    feels = {
        track_id: (p, e)
        for track_id, p, e in UserTrack.objects.filter(
            user=playlist.user,
            track_id__in=[item.track_id for item in items],
            feel_pleasantness__isnull=False,
            feel_energy__isnull=False,
        ).values_list("track_id", "feel_pleasantness", "feel_energy")
    }
    rows = [(number, item, feels.get(item.track_id)) for number, item in enumerate(items, 1)]
    start = (
        (playlist.start_pleasantness, playlist.start_energy)
        if playlist.start_pleasantness is not None and playlist.start_energy is not None
        else None
    )
    target = (
        (playlist.target_pleasantness, playlist.target_energy)
        if playlist.target_pleasantness is not None and playlist.target_energy is not None
        else None
    )
    return {
        "playlist": playlist,
        "rows": rows,
        "songs": [
            (number, point, f"{item.track.artist.name} – {item.track.title}")
            for number, item, point in rows
        ],
        "start": start,
        "target": target,
        "preset_info": PRESETS.get(playlist.preset),
        "formats": FORMATS,
    }


@login_required
@owned_playlist
@require_GET
@never_cache
def playlist_detail(request: AuthedHtmxRequest, playlist: Playlist) -> HttpResponse:
    context = _detail_context(playlist)
    context["rename_form"] = RenameForm(initial={"name": playlist.name})
    return _vary(render(request, "music/playlist_detail.html", context))


@login_required
@owned_playlist
@require_POST
def playlist_rename(request: AuthedHtmxRequest, playlist: Playlist) -> HttpResponse:
    form = RenameForm(request.POST)
    if form.is_valid():
        playlist.name = form.cleaned_data["name"].strip() or playlist.name
        playlist.save(update_fields=["name", "updated_at"])
        messages.success(request, "Renamed.")
        return redirect("music:playlist_detail", pk=playlist.pk)
    context = _detail_context(playlist)
    context["rename_form"] = form
    return render(request, "music/playlist_detail.html", context, status=400)


@login_required
@owned_playlist
@require_POST
def playlist_delete(request: AuthedHtmxRequest, playlist: Playlist) -> HttpResponse:
    name = playlist.name
    playlist.delete()
    messages.success(request, f"Deleted “{name}”.")
    return redirect("music:playlists")


def _journey_response(request: AuthedHtmxRequest, playlist: Playlist) -> HttpResponse:
    if request.htmx:
        return _vary(
            render(request, "music/playlist_detail.html#journey", _detail_context(playlist))
        )
    return _vary(redirect("music:playlist_detail", pk=playlist.pk))


@login_required
@owned_playlist
@require_POST
def item_move(request: AuthedHtmxRequest, playlist: Playlist, item_pk: int) -> HttpResponse:
    """Swap a song with its neighbour above or below."""
    direction = request.POST.get("direction")
    with transaction.atomic():
        items = list(playlist.items.select_for_update().order_by("position", "pk"))
        index = next((i for i, item in enumerate(items) if item.pk == item_pk), None)
        if index is None:
            return HttpResponse("That song is not in this playlist.", status=404)
        other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
        if other is not None and 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for position, item in enumerate(items, start=1):
                item.position = position
            PlaylistItem.objects.bulk_update(items, ["position"])
            playlist.save(update_fields=["updated_at"])
    return _journey_response(request, playlist)


@login_required
@owned_playlist
@require_POST
def item_remove(request: AuthedHtmxRequest, playlist: Playlist, item_pk: int) -> HttpResponse:
    item = get_object_or_404(PlaylistItem, pk=item_pk, playlist=playlist)
    item.delete()
    playlist.save(update_fields=["updated_at"])
    return _journey_response(request, playlist)


@login_required
@owned_playlist
@require_http_methods(["GET"])
@never_cache
def playlist_export(request: AuthedHtmxRequest, playlist: Playlist, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        return HttpResponse("Unknown format.", status=404)
    entries = entries_for(playlist)
    body = render_playlist(fmt, playlist.name, entries)
    response = HttpResponse(body.encode("utf-8"), content_type=CONTENT_TYPES[fmt])
    filename = f"{slugify(playlist.name) or 'playlist'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
