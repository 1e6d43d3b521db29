"""/import/: bring mood journals from Daylio and other apps.

Upload → (Daylio: confirm or move its moods, place custom ones) or (another app: choose the
columns, then place its mood values) → a background job with a progress page
that ends in a summary. The steps between upload and job live in the session
(`DRAFT`), so no half-made job is ever visible to a worker.

No request reads more than the start of the file (its layout and a preview):
the moods and activities the mood step needs are read by a worker (a
"journal_scan" job, journal/imports/scan.py), and the mood page waits on it
with the usual progress partial.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.http import AuthedHtmxRequest
from imports.models import ImportJob
from imports.views import job_page
from journal.imports.csvfile import CsvLayout, NotACsvFile, preview, read_layout
from journal.imports.daylio import daylio_mapping, is_daylio
from journal.imports.forms import (
    ActivityChoiceForm,
    ColumnsForm,
    MoodPlacementForm,
    UploadForm,
    guess_columns,
)
from journal.imports.jobs import JOURNAL_KINDS, discard_draft, start_job, store_draft
from journal.imports.mapped_csv import (
    DAYLIO_DEFAULTS,
    BadValue,
    Mapping,
    MappingError,
    mood_key,
    parse_moment,
    suggest_placements,
)
from journal.imports.scan import SCAN_KIND, scan_result, start_scan
from journal.imports.tag_matching import propose
from journal.models import CheckIn, Tag

DRAFT = "journal_import_draft"
GONE_MESSAGE = "That upload is no longer waiting. Please choose the file again."


def _draft(request: AuthedHtmxRequest) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT)
    if not isinstance(draft, dict) or not default_storage.exists(draft.get("path", "")):
        return None
    return draft


def _drop_draft(request: AuthedHtmxRequest, *, delete_file: bool = True) -> None:
    draft = request.session.pop(DRAFT, None)
    if isinstance(draft, dict):
        if draft.get("scan"):
            ImportJob.objects.filter(user=request.user, pk=draft["scan"], kind=SCAN_KIND).delete()
        if delete_file:
            discard_draft(draft.get("path", ""))


def _scan(
    request: AuthedHtmxRequest, draft: dict[str, Any], mood: str, tags: str, sep: str
) -> None:
    """Have a worker read the draft's moods and activities (the mood page waits)."""
    job = start_scan(request.user, draft["path"], draft["name"], mood, tags, sep)
    draft["scan"] = job.pk
    draft.pop("labels", None)


def _layout(draft: dict[str, Any]) -> CsvLayout:
    with default_storage.open(draft["path"], "rb") as binary:
        return read_layout(binary, draft["name"])


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def start(request: AuthedHtmxRequest) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                return _begin(request, form)
            except (NotACsvFile, MappingError) as problem:
                form.add_error("file", str(problem))
    else:
        form = UploadForm(initial={"time_zone": request.user.time_zone, "format": "auto"})
    jobs = ImportJob.objects.filter(user=request.user, kind__in=JOURNAL_KINDS)[:10]
    return render(request, "journal/import.html", {"form": form, "jobs": jobs})


def _begin(request: AuthedHtmxRequest, form: UploadForm) -> HttpResponse:
    upload = form.cleaned_data["file"]
    wanted = form.cleaned_data["format"]
    time_zone = form.cleaned_data["time_zone"]
    _drop_draft(request)
    stored = store_draft(request.user, upload)
    try:
        with default_storage.open(stored, "rb") as binary:
            layout = read_layout(binary, upload.name)  # the first 64 KB only
            daylio = is_daylio(layout.header)
            if wanted == "daylio" and not daylio:
                raise NotACsvFile(
                    "This file doesn't have Daylio's columns (full_date, time, mood, "
                    "activities). If it comes from another app, choose “Another app” and "
                    "pick the columns yourself."
                )
    except Exception:
        discard_draft(stored)
        raise
    draft: dict[str, Any] = {"path": stored, "name": upload.name[:255], "time_zone": time_zone}
    if daylio and wanted != "csv":
        # Always the mood step: Daylio's five have a suggested place on both
        # axes, which the person sees and may move. A worker reads the moods.
        draft["kind"] = "daylio"
        _scan(request, draft, "mood", "activities", "|")
        request.session[DRAFT] = draft
        return redirect("journal:journal_import_moods")
    draft["kind"] = "journal_csv"
    request.session[DRAFT] = draft
    return redirect("journal:journal_import_columns")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def columns(request: AuthedHtmxRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None or draft.get("kind") != "journal_csv":
        messages.info(request, GONE_MESSAGE)
        return redirect("journal:journal_import")
    with default_storage.open(draft["path"], "rb") as binary:
        layout = read_layout(binary, draft["name"])
        rows = preview(binary, layout)
        if request.method == "POST":
            form = ColumnsForm(layout.header, request.POST)
            if form.is_valid():
                mapping = _mapping(form, layout, rows, draft)
                if mapping is not None:
                    draft["mapping"] = mapping.to_options()
                    sep = mapping.tags_separator
                    _scan(request, draft, mapping.mood_column, mapping.tags_column, sep)
                    request.session[DRAFT] = draft
                    return redirect("journal:journal_import_moods")
        else:
            initial = {**guess_columns(layout.header), "date_order": "auto"}
            initial["tags_separator"] = "auto"
            form = ColumnsForm(layout.header, initial=initial)
    context = {"form": form, "header": layout.header, "rows": rows, "draft": draft}
    return render(request, "journal/import_columns.html", context)


def _mapping(
    form: ColumnsForm, layout: CsvLayout, rows: list[list[str]], draft: dict[str, Any]
) -> Mapping | None:
    """The chosen columns as a mapping, if the preview rows' dates can be read."""
    data = form.cleaned_data
    mapping = Mapping(
        date_column=data["date_column"],
        mood_column=data["mood_column"],
        time_column=data["time_column"],
        tags_column=data["tags_column"],
        note_columns=[name for name in (data["note_title_column"], data["note_column"]) if name],
        date_order=data["date_order"],
        tags_separator=data["tags_separator"],
        time_zone=draft["time_zone"],
        source=CheckIn.Source.CSV,
        attribute_columns=form.attribute_columns(),
    )
    if not _some_date_reads(mapping, layout, rows):
        form.add_error(
            "date_column",
            f"None of the first rows has a date we can read in “{mapping.date_column}”. "
            "Is it the right column?",
        )
        return None
    return mapping


def _some_date_reads(mapping: Mapping, layout: CsvLayout, rows: list[list[str]]) -> bool:
    date_at = layout.header.index(mapping.date_column)
    time_at = layout.header.index(mapping.time_column) if mapping.time_column else None
    for row in rows:
        try:
            parse_moment(
                row[date_at],
                row[time_at] if time_at is not None else "",
                mapping.date_order,
                mapping.zone,
            )
        except BadValue:
            continue
        return True
    return not rows


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def moods(request: AuthedHtmxRequest) -> HttpResponse:
    draft = _draft(request)
    scan = _scan_job(request, draft)
    if draft is None or scan is None:
        messages.info(request, GONE_MESSAGE)
        return redirect("journal:journal_import")
    if not scan.is_finished:
        # A worker is still reading the file: wait on it, as on any import's page.
        return job_page(
            request, scan, "journal/import_scanning.html", request.path, {"reading_only": True}
        )
    if request.htmx:
        return HttpResponseClientRefresh()  # read: show the mood step itself
    if scan.status == ImportJob.Status.FAILED:
        messages.error(request, f"{draft['name']}: {scan.message}")
        _drop_draft(request)
        return redirect("journal:journal_import")
    found = scan_result(scan)
    counts = _labels(draft, found.get("labels") or [])
    labels = list(counts)
    guesses = suggest_placements(request.user, labels)
    tags = list(Tag.objects.filter(user=request.user).values_list("name", flat=True))
    proposals = _proposals(found.get("activities") or [], tags)
    data = request.POST if request.method == "POST" else None
    form = MoodPlacementForm(labels, guesses, data)
    activity_form = ActivityChoiceForm(proposals, tags, data)
    if data is not None and form.is_valid() and activity_form.is_valid():
        placements = form.placements()
        if draft["kind"] == "daylio":
            mapping = daylio_mapping(_layout(draft).header, placements, draft["time_zone"])
        else:
            mapping = Mapping.from_options(draft["mapping"])
            mapping.moods = {mood_key(label): p for label, p in placements.items()}
        mapping.tag_choices = activity_form.choices()
        job = start_job(request.user, draft["kind"], draft["path"], draft["name"], mapping)
        _drop_draft(request, delete_file=False)
        return redirect("journal:journal_import_job", pk=job.pk)
    daylio = draft["kind"] == "daylio"
    grids = form.grids()
    for grid in grids:
        grid["count"] = counts[grid["label"]]
        grid["daylio_default"] = daylio and mood_key(grid["label"]) in DAYLIO_DEFAULTS
    context = {
        "form": form,
        "grids": [grid for grid in grids if not grid["daylio_default"]],
        "default_grids": [grid for grid in grids if grid["daylio_default"]],
        "draft": draft,
        "daylio": daylio,
        "activity_form": activity_form,
    }
    return render(request, "journal/import_moods.html", context)


def _scan_job(request: AuthedHtmxRequest, draft: dict[str, Any] | None) -> ImportJob | None:
    if draft is None or not draft.get("scan"):
        return None
    return ImportJob.objects.filter(user=request.user, pk=draft["scan"], kind=SCAN_KIND).first()


def _labels(draft: dict[str, Any], found: list[Any]) -> dict[str, int]:
    """The file's mood labels with their counts; for Daylio its own moods
    first, then its five defaults."""
    counts = {str(label): int(count) for label, count in found}
    if draft["kind"] == "daylio":
        custom = {k: v for k, v in counts.items() if mood_key(k) not in DAYLIO_DEFAULTS}
        return custom | {k: v for k, v in counts.items() if k not in custom}
    return counts


def _proposals(activities: list[str], tags: list[str]) -> dict[str, str]:
    """The file's activities that seem to mean one of `tags`, each with it."""
    found = [str(activity) for activity in activities]
    return {activity: tag for activity, tag in propose(found, tags).items() if tag is not None}


@login_required
@require_http_methods(["POST"])
def cancel(request: AuthedHtmxRequest) -> HttpResponse:
    _drop_draft(request)
    messages.info(request, "Nothing was imported, and the uploaded file was deleted.")
    return redirect("journal:journal_import")


# The object is looked up before the method is checked (not @require_http_methods),
# so another user's job id is a 404 whatever the method.
@login_required
@never_cache
def job_detail(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, user=request.user, kind__in=JOURNAL_KINDS)
    return job_page(request, job, "journal/import_job.html", request.path)
