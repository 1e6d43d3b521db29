"""Your data (PRODUCT.md section 10): /settings/export.json, /settings/export.csv,
/settings/import/ and /settings/delete/. The paths sit under /settings/, the
code with the data it serves."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedHtmxRequest
from accounts.models import User
from accounts.settings_page import render_settings
from journal import archive, archive_job
from journal.erasure import delete_account
from journal.your_data import ArchiveImportForm, DeleteAccountForm


def _download_name(user: User, extension: str) -> str:
    return f"attune-export-{user.local_today().isoformat()}.{extension}"


def _download(
    request: AuthedHtmxRequest, chunks: Iterator[str], content_type: str, extension: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    name = _download_name(request.user, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_json(request: AuthedHtmxRequest) -> StreamingHttpResponse:
    """Everything the person has, as an Attune archive (streamed)."""
    chunks = archive.export_json(request.user)
    return _download(request, chunks, "application/json; charset=utf-8", "json")


@login_required
@require_GET
def export_csv(request: AuthedHtmxRequest) -> StreamingHttpResponse:
    """The check-ins as a spreadsheet (streamed)."""
    return _download(request, archive.export_csv(request.user), "text/csv; charset=utf-8", "csv")


@login_required
@require_http_methods(["GET", "POST"])
def import_archive(request: AuthedHtmxRequest) -> HttpResponse:
    """Store the archive for a worker and show its job's page, which waits on
    it; only the first bytes are looked at here (journal/archive_job.py). A
    GET (a bookmark, a reload) goes to the form, on the settings page."""
    if request.method == "GET":
        return redirect(reverse("accounts:settings") + "#data-heading")
    form = ArchiveImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["archive"]
        head = next(iter(upload.chunks(64 * 1024)), b"")
        if archive_job.looks_like_json_object(head):
            job = archive_job.queue_archive(request.user, upload)
            messages.success(
                request,
                "Your archive is being imported. You can wait here or keep using Attune; "
                "the result also shows on the settings page.",
            )
            return redirect("imports:import_job", pk=job.pk)
        form.add_error("archive", "This file is not an Attune archive (a .json export).")
    return render_settings(request, import_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account_view(request: AuthedHtmxRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(
            request, "Your account and everything in it have been deleted. Take good care."
        )
        return redirect("journal:home")
    return render(request, "journal/your_data/delete_account.html", {"form": form})
