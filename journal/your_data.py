"""The forms of "Your data" (on /settings/) and the section that shows them.

journal owns a person's data, so it offers the archive import and account
deletion; accounts only lays out the settings page (accounts.settings_page).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from accounts.http import AuthedHtmxRequest
from accounts.models import User
from accounts.settings_page import Section, add_section
from imports.models import ImportJob
from journal.archive_job import ARCHIVE_JOB_KIND


class ArchiveImportForm(forms.Form):
    archive = forms.FileField(
        label="Attune archive (.json)",
        help_text="A file you exported from Attune. Entries you already have are skipped.",
    )

    def clean_archive(self) -> object:
        upload = self.cleaned_data["archive"]
        limit = settings.ATTUNE_ARCHIVE_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is larger than {limit} MB, which is more than an Attune archive "
                "should be. Is it the right file?"
            )
        return upload


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That password doesn't match. Your account has not been deleted."
            )
        return password


def section_context(request: AuthedHtmxRequest) -> dict[str, Any]:
    return {
        "import_form": ArchiveImportForm(),
        "archive_jobs": ImportJob.objects.filter(user=request.user, kind=ARCHIVE_JOB_KIND)[:3],
    }


def add_your_data_section() -> None:
    add_section(Section(template="journal/your_data/section.html", context=section_context))
