"""The settings page: the account's own form, then the sections other apps add.

accounts knows no other app. An app that keeps something of the person's adds
a section (a template and the context it needs) from its ``AppConfig.ready()``
with ``add_section``; journal adds "Your data" (downloads, archive import,
account deletion). A view of that app that answers a form in its section
renders the whole page again with ``render_settings`` and its bound form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from accounts.forms import SettingsForm
from accounts.http import AuthedHtmxRequest


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[AuthedHtmxRequest], dict[str, Any]]


SECTIONS: list[Section] = []


def add_section(section: Section) -> None:
    if section not in SECTIONS:
        SECTIONS.append(section)


def render_settings(
    request: AuthedHtmxRequest,
    form: SettingsForm | None = None,
    status: int = 200,
    **overrides: Any,
) -> HttpResponse:
    """The settings page; `overrides` replace a section's context (a bound form
    with its errors)."""
    context: dict[str, Any] = {"form": form or SettingsForm(instance=request.user)}
    for section in SECTIONS:
        context.update(section.context(request))
    context.update(overrides)
    context["sections"] = [section.template for section in SECTIONS]
    return render(request, "accounts/settings.html", context, status=status)
