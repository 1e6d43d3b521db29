from __future__ import annotations

from collections.abc import Iterator

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import email_change as email_changes
from accounts.deletion import delete_account
from accounts.forms import (
    TAKEN_EMAIL,
    ArchiveImportForm,
    DeleteAccountForm,
    EmailChangeForm,
    SettingsForm,
    SignupForm,
    TimeZoneForm,
)
from accounts.http import AuthedHtmxRequest, HtmxRequest
from accounts.models import User
from accounts.onboarding import welcome
from journal import archive, archive_import
from music.models import ImportJob


@require_http_methods(["GET", "POST"])
def signup(request: HtmxRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # The same email signed up a moment ago (a double tap, two tabs).
            form.add_error("email", TAKEN_EMAIL)
            return render(request, "accounts/signup.html", {"form": form})
        welcome(user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Attune. Whenever you're ready, tap how you feel.")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


def _settings_page(
    request: AuthedHtmxRequest,
    form: SettingsForm | None = None,
    import_form: ArchiveImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form or SettingsForm(instance=request.user),
        "import_form": import_form or ArchiveImportForm(),
        "archive_jobs": ImportJob.objects.filter(
            user=request.user, kind=archive_import.ARCHIVE_JOB_KIND
        )[:3],
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedHtmxRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("settings")
    return _settings_page(request, form=form)


@login_required
@require_POST
def time_zone_view(request: AuthedHtmxRequest) -> HttpResponse:
    """The check-in page's "Switch to <this device's zone>"."""
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        request.user.time_zone = form.cleaned_data["time_zone"]
        request.user.save(update_fields=["time_zone"])
        messages.success(request, f"Times are now shown in {request.user.time_zone}.")
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["time_zone"]))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: AuthedHtmxRequest) -> HttpResponse:
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            email_changes.send_confirmation(request.user, new_email)
        except OSError:
            messages.error(request, "We couldn't send the email just now. Please try again soon.")
            return render(request, "accounts/email_change.html", {"form": form})
        messages.success(
            request,
            f"We sent a link to {new_email}. Open it to confirm; until then your address "
            "stays as it is.",
        )
        return redirect("settings")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HtmxRequest, token: str) -> HttpResponse:
    """GET shows a button; POST changes the address (scanners only GET)."""
    try:
        _user, new_email = email_changes.read_token(token)
        if request.method == "POST":
            email_changes.apply_change(token)
            messages.success(request, f"Your email address is now {new_email}.")
            return redirect("settings" if request.user.is_authenticated else "login")
    except email_changes.ChangeRefused as refusal:
        return render(request, "accounts/email_change_confirm.html", {"problem": str(refusal)})
    return render(
        request, "accounts/email_change_confirm.html", {"new_email": new_email, "token": token}
    )


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
@require_POST
def import_archive(request: AuthedHtmxRequest) -> HttpResponse:
    form = ArchiveImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["archive"]
        raw = upload.read()
        try:
            data = archive_import.read_archive(raw)  # a wrong file is refused at once
            if len(raw) > archive_import.SYNC_LIMIT_BYTES:
                archive_import.queue_archive(request.user, raw, upload.name or "archive.json")
                messages.success(
                    request,
                    "Your archive is being imported in the background. You can keep using "
                    "Attune; the result will show here on this page.",
                )
            else:
                result = archive_import.import_archive(request.user, data)
                messages.success(request, result.summary())
        except archive_import.ArchiveError as error:
            form.add_error("archive", str(error))
        else:
            return redirect("settings")
    return _settings_page(request, import_form=form, status=400)


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
        return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


class PasswordResetConfirmAndUnlockView(auth_views.PasswordResetConfirmView):
    """The lockout page points here: a password reset by email also lifts the
    login pause for that account, so the person can log in straight away."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        return response
