"""One job page for every kind: the progress partial for htmx polling, the
page around it otherwise, and the one "try again" (a POST)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from accounts.http import AuthedHtmxRequest
from imports.jobs import wake
from imports.models import ImportJob

PARTIAL = "imports/job.html"


def job_page(
    request: AuthedHtmxRequest,
    job: ImportJob,
    template: str,
    job_url: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer a job's URL: GET shows `template` (or only the partial, for htmx);
    POST wakes a worker again for a job that has waited too long."""
    if request.method == "POST":
        if job.can_restart:
            if wake(job.pk):
                messages.info(request, "We asked a worker to start this import again.")
            else:
                messages.error(request, "The workers can't be reached right now. Please try later.")
        return redirect(job_url)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {"job": job, "job_url": job_url, **(extra or {})}
    response = render(request, PARTIAL if request.htmx else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# The object is looked up before the method is checked, so another person's
# job id is a 404 whatever the method.
@login_required
@never_cache
def job(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    """Any kind of job (the archive's, on the settings page, links here)."""
    found = get_object_or_404(ImportJob, pk=pk, user=request.user)
    return job_page(request, found, "imports/job_page.html", request.path)
