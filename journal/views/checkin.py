"""The check-in page (`/`) and the small endpoints that save each part of a
check-in. Every view answers HTMX with a partial of journal/today.html and a
plain browser with a full page or a redirect (POST/redirect/GET)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.forms import Form
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedHtmxRequest, HtmxRequest
from accounts.models import User
from journal import checkins, day_attributes
from journal.day_attributes import DayAttributesForm
from journal.forms import (
    CheckInForm,
    EditCheckInForm,
    NoteForm,
    TagsForm,
    TrackFeelForm,
    TrackForm,
    WordsForm,
)
from journal.models import CheckIn, CheckInTrack, Tag
from mood.models import EmotionWord
from mood.values import MOOD_RANGE
from mood.vocabulary import words_near
from music.models import Track

TEMPLATE = "journal/today.html"
PART_MESSAGES = {
    "day": "Saved the day's figures.",
    "words": "Saved your words.",
    "tags": "Saved your tags.",
    "note": "Saved your note.",
    "tracks": "Saved your song.",
    "when": "Saved the changes.",
}


def with_parts(queryset: Any) -> Any:
    return day_attributes.with_day_values(queryset).prefetch_related(
        "words",
        "tags",
        Prefetch("track_links", queryset=CheckInTrack.objects.select_related("track__artist")),
    )


def today_list_context(user: User) -> dict[str, Any]:
    """Today's check-ins, plus those deleted a moment ago (still undoable)."""
    cutoff = timezone.now() - dt.timedelta(seconds=checkins.UNDO_SECONDS)
    items = list(
        with_parts(
            CheckIn.objects.filter(user=user, local_date=user.local_today()).filter(
                Q(deleted_at__isnull=True) | Q(deleted_at__gte=cutoff)
            )
        )
    )
    return {
        "today_checkins": items,
        "has_live_today": any(item.deleted_at is None for item in items),
        "undo_seconds": checkins.UNDO_SECONDS,
    }


def load_checkin(user: User, pk: int) -> CheckIn:
    return get_object_or_404(with_parts(CheckIn.objects.live()), pk=pk, user=user)


def editor_context(user: User, checkin: CheckIn, **forms: Form) -> dict[str, Any]:
    vocabulary = list(EmotionWord.objects.for_user(user))
    chosen_words = {word.pk for word in checkin.words.all()}
    near, other = words_near(checkin.mood, vocabulary, chosen_words)
    local = checkin.felt_at.astimezone(user.zone)
    chosen_tags = {tag.pk for tag in checkin.tags.all()}
    track_form = forms.get("track_form")
    typed = str(track_form.data.get("track", "")) if track_form is not None else ""
    suggestions = suggest_tracks(user, typed) if track_form and track_form.errors else []
    return {
        "checkin": checkin,
        "near_words": near,
        "other_words": other,
        "chosen_words": chosen_words,
        "all_tags": [
            tag
            for tag in Tag.objects.filter(user=user)
            if not tag.archived or tag.pk in chosen_tags
        ],
        "chosen_tags": chosen_tags,
        "track_links": list(checkin.track_links.all()),
        "feel_values": list(MOOD_RANGE),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": checkin.note}),
        "day_form": forms.get("day_form")
        or DayAttributesForm(values=day_attributes.day_values_of(checkin)),
        "day_specs": day_attributes.SPECS,
        "track_form": track_form or TrackForm(user),
        "suggestions": suggestions,
        "query": typed,
        "words_form": forms.get("words_form"),
        "tags_form": forms.get("tags_form"),
        "edit_form": forms.get("edit_form")
        or EditCheckInForm(
            user,
            initial={
                "pleasantness": checkin.pleasantness,
                "energy": checkin.energy,
                "when_date": local.date(),
                "when_time": local.time().replace(second=0, microsecond=0),
            },
        ),
        "local_felt_at": local,
    }


def page(request: AuthedHtmxRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def with_today_list(request: AuthedHtmxRequest, response: HttpResponse) -> HttpResponse:
    """Add the refreshed list of today's check-ins as an out-of-band swap, on
    the page that shows it (the editor page of a past check-in has none)."""
    current = request.htmx.current_url_abs_path
    if current is not None and current.split("?")[0] != reverse("journal:home"):
        return response
    extra = render_to_string(
        f"{TEMPLATE}#today_list", {**today_list_context(request.user), "oob": True}, request
    )
    response.content = response.content + extra.encode()
    return response


# The page -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def home(request: HtmxRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('accounts:login')}?next=/")
        return render(request, "journal/landing.html")
    return today(request)  # type: ignore[arg-type]


def tap_context(
    user: User,
    form: CheckInForm | None = None,
    selected: str = "",
    today_checkins: list[CheckIn] | None = None,
) -> dict[str, Any]:
    """The grid: its form (with a fresh one-time key), and where the keyboard
    starts (the last check-in's square, else the centre). Today's check-ins,
    when the page has them already, spare the query for the last one."""
    live = [c for c in today_checkins or [] if c.deleted_at is None]
    last = (
        (live[0].pleasantness, live[0].energy)
        if live
        else CheckIn.objects.live().filter(user=user).values_list("pleasantness", "energy").first()
    )
    return {
        "form": form or CheckInForm(user),
        "selected": selected,
        "grid_start": f"{last[0]},{last[1]}" if last else "0,0",
        "one_tap": user.one_tap_checkin,
    }


# The offline queue (static/js/offline.js) sends taps again with this header
# and reads the answer's status: 201 saved, 200 saved before, 422 never will be.
REPLAY_HEADER = "X-Attune-Replay"


def save_tap(request: AuthedHtmxRequest, form: CheckInForm) -> HttpResponse:
    user = request.user
    data = form.cleaned_data
    parts = {key: data[key] for key in ("words", "tags", "note", "track")}
    if data["once"] is not None:
        checkin, created = checkins.record_checkin_once(
            user, data["once"], data["mood"], data.get("felt_at"), **parts
        )
    else:
        checkin = checkins.record_checkin(user, data["mood"], data.get("felt_at"), **parts)
        created = True
    if request.headers.get(REPLAY_HEADER):
        return HttpResponse(
            "Saved." if created else "Saved before.", status=201 if created else 200
        )
    if checkin.deleted_at is not None:
        messages.info(request, "That check-in was saved before, and deleted since.")
        if request.htmx:
            return page(request, f"{TEMPLATE}#tap", tap_context(user))
        return redirect("journal:home")
    if not request.htmx:
        messages.success(
            request,
            "Saved. Add words, a note or a song if you like — or leave it there."
            if created
            else "That check-in was already saved; here it is.",
        )
        return redirect("journal:checkin_detail", pk=checkin.pk)
    checkin = load_checkin(user, checkin.pk)
    context = {**editor_context(user, checkin), "just_saved": True}
    return with_today_list(request, page(request, f"{TEMPLATE}#editor", context))


@login_required
def today(request: AuthedHtmxRequest) -> HttpResponse:
    user = request.user
    form = None
    if request.method == "POST":
        form = CheckInForm(user, request.POST)
        if form.is_valid():
            return save_tap(request, form)
        if request.headers.get(REPLAY_HEADER):
            problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponse(problems, status=422, content_type="text/plain")
    if request.htmx:
        return page(
            request, f"{TEMPLATE}#tap", tap_context(user, form, request.POST.get("mood", ""))
        )
    day = today_list_context(user)
    context = tap_context(user, form, request.POST.get("mood", ""), day["today_checkins"])
    return page(request, TEMPLATE, {**context, **day})


# One check-in -------------------------------------------------------------


QUIET_PARTS = ("words", "tags", "note", "day")  # their forms swap nothing; a status says "Saved"


def after_save(request: AuthedHtmxRequest, checkin: CheckIn, part: str) -> HttpResponse:
    if not request.htmx:
        messages.success(request, PART_MESSAGES[part])
        return redirect("journal:checkin_detail", pk=checkin.pk)
    if part in QUIET_PARTS:
        context: dict[str, Any] = {"checkin": checkin, "part": part, "saved": part, "oob": True}
        response = page(request, f"{TEMPLATE}#status", context)
    else:
        checkin = load_checkin(request.user, checkin.pk)
        context = {**editor_context(request.user, checkin), "saved": part}
        name = "editor" if part == "when" else part
        response = page(request, f"{TEMPLATE}#{name}", context)
    return with_today_list(request, response)


def show_errors(
    request: AuthedHtmxRequest, checkin: CheckIn, part: str, **forms: Form
) -> HttpResponse:
    context = editor_context(request.user, checkin, **forms)
    if not request.htmx:
        return page(request, "journal/checkin.html", context)
    if part == "when":
        return page(request, f"{TEMPLATE}#editor", context)
    response = page(request, f"{TEMPLATE}#{part}", context)
    if part in QUIET_PARTS:
        response["HX-Retarget"] = f"#{part}-{checkin.pk}"
        response["HX-Reswap"] = "outerHTML"
    return response


def post_only(request: AuthedHtmxRequest, checkin: CheckIn) -> HttpResponse | None:
    """The part URLs take POST; a GET (say, a reload) goes to the check-in."""
    if request.method == "GET":
        return redirect("journal:checkin_detail", pk=checkin.pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return None


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_detail(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    """The editor for one check-in; POST changes its mood or moment."""
    checkin = load_checkin(request.user, pk)
    if request.method == "DELETE":
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        form = EditCheckInForm(request.user, request.POST)
        if form.is_valid():
            checkins.update_checkin(
                checkin, form.cleaned_data["mood"], form.cleaned_data["felt_at"]
            )
            return after_save(request, checkin, "when")
        return show_errors(request, checkin, "when", edit_form=form)
    context = editor_context(request.user, checkin)
    if request.htmx:
        return page(request, f"{TEMPLATE}#editor", context)
    return page(request, "journal/checkin.html", context)


def save_part(
    request: AuthedHtmxRequest,
    pk: int,
    part: str,
    form: Form,
    save: Callable[[CheckIn, Any], None],
) -> HttpResponse:
    """The shape of every part's endpoint: the owner's check-in, POST only,
    the part's form checked, saved, then answered (a status or the errors)."""
    checkin = load_checkin(request.user, pk)
    if (other := post_only(request, checkin)) is not None:
        return other
    if not form.is_valid():
        return show_errors(request, checkin, part, **{f"{part}_form": form})
    save(checkin, form.cleaned_data.get(part))
    return after_save(request, checkin, part)


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_day(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    """Hours slept, minutes of exercise and of music-making for the day this
    check-in belongs to (one field each)."""
    form = DayAttributesForm(request.POST)
    return save_part(
        request,
        pk,
        "day",
        form,
        lambda checkin, _: day_attributes.set_day(checkin.user, checkin.local_date, form.values()),
    )


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_words(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    form = WordsForm(request.user, request.POST)
    return save_part(request, pk, "words", form, checkins.set_words)


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_tags(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    form = TagsForm(request.user, request.POST)
    return save_part(request, pk, "tags", form, checkins.set_tags)


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_note(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = load_checkin(request.user, pk)
    if (other := post_only(request, checkin)) is not None:
        return other
    form = NoteForm(request.POST, unreadable=checkin.note_unreadable)
    if not form.is_valid():
        return show_errors(request, checkin, "note", note_form=form)
    checkins.set_note(checkin, form.cleaned_data["note"])
    return after_save(request, checkin, "note")


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_tracks(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = load_checkin(request.user, pk)
    if (other := post_only(request, checkin)) is not None:
        return other
    form = TrackForm(request.user, request.POST)
    if not form.is_valid():
        context_forms: dict[str, Form] = {"track_form": form}
        return show_errors(request, checkin, "tracks", **context_forms)
    feel = form.cleaned_data["feel"]
    if form.cleaned_data["picked"] is not None:
        checkins.attach_track(checkin, form.cleaned_data["picked"], feel)
    else:
        artist, title = form.cleaned_data["typed"]
        checkins.attach_typed_track(checkin, artist, title, feel)
    return after_save(request, checkin, "tracks")


def load_link(request: AuthedHtmxRequest, pk: int, link_pk: int) -> tuple[CheckIn, CheckInTrack]:
    checkin = load_checkin(request.user, pk)
    link = get_object_or_404(
        CheckInTrack.objects.select_related("track__artist"), pk=link_pk, checkin=checkin
    )
    return checkin, link


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_track_feel(request: AuthedHtmxRequest, pk: int, link_pk: int) -> HttpResponse:
    checkin, link = load_link(request, pk, link_pk)
    if (other := post_only(request, checkin)) is not None:
        return other
    form = TrackFeelForm(request.POST)
    if not form.is_valid():
        problem = " ".join(str(error) for errors in form.errors.values() for error in errors)
        context = {
            **editor_context(request.user, checkin),
            "feel_error": problem,
            "feel_error_link": link.pk,
        }
        if request.htmx:
            return page(request, f"{TEMPLATE}#tracks", context)
        return page(request, "journal/checkin.html", context)
    checkins.set_track_feel(link, form.cleaned_data["feel"])
    return after_save(request, checkin, "tracks")


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_track_remove(request: AuthedHtmxRequest, pk: int, link_pk: int) -> HttpResponse:
    checkin, link = load_link(request, pk, link_pk)
    if request.method == "GET":
        return redirect("journal:checkin_detail", pk=checkin.pk)
    checkins.detach_track(link)
    return after_save(request, checkin, "tracks")


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_delete(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn.objects.live(), pk=pk, user=request.user)
    if request.method == "GET":
        return redirect("journal:checkin_detail", pk=checkin.pk)
    checkins.delete_checkin(checkin)
    if request.htmx:
        # The list with its undo button, and the grid again in place of an
        # editor that might be showing the deleted check-in.
        response = page(request, f"{TEMPLATE}#today_list", today_list_context(request.user))
        grid = render_to_string(f"{TEMPLATE}#area_oob", tap_context(request.user), request)
        response.content += grid.encode()
        return response
    messages.success(
        request, f"Check-in deleted. You can undo this for {checkins.UNDO_SECONDS // 60} minutes."
    )
    return redirect("journal:home")


@login_required
@require_http_methods(["GET", "POST", "DELETE"])
@never_cache
def checkin_restore(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, user=request.user)
    if request.method == "GET":
        return redirect("journal:home")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if checkin.deleted_at is not None and not checkins.undo_delete(checkin):
        messages.info(request, "That check-in was removed a while ago and can't be brought back.")
    if request.htmx:
        return page(request, f"{TEMPLATE}#today_list", today_list_context(request.user))
    return HttpResponseRedirect(reverse("journal:home"))


# Song suggestions ------------------------------------------------------------


SUGGESTION_LIMIT = 8


def suggest_tracks(user: User, text: str) -> list[Track]:
    """The user's own songs whose artist or title contain every typed word."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return []
    terms = (
        text.replace("\x00", "").replace("–", " ").replace("—", " ").replace(" - ", " ").split()[:6]
    )
    if not terms or len(text) > 400:
        return []
    tracks = Track.objects.filter(owner=user, user_tracks__user=user).select_related("artist")
    for term in terms:
        tracks = tracks.filter(Q(title__icontains=term) | Q(artist__name__icontains=term))
    return list(tracks.order_by("-user_tracks__play_count", "title")[:SUGGESTION_LIMIT])


@login_required
@require_GET
def track_suggestions(request: AuthedHtmxRequest) -> HttpResponse:
    text = request.GET.get("track", "")
    suggestions = suggest_tracks(request.user, text)
    context = {"suggestions": suggestions, "query": text.replace("\x00", "").strip()}
    return render(request, f"{TEMPLATE}#suggestions", context)
