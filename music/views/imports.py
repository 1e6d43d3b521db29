from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedHtmxRequest
from imports.jobs import create_job
from imports.models import ImportJob
from imports.registry import kinds_for as importers_for
from imports.views import job_page
from music.forms import ImportForm

JOBS_SHOWN = 10


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def import_page(request: AuthedHtmxRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            job = create_job(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
            return redirect("music:music_import_job", pk=job.pk)
    else:
        form = ImportForm(initial={"kind": request.GET.get("kind", "spotify")})
    jobs = ImportJob.objects.filter(
        user=request.user, kind__in=[i.kind for i in importers_for("music")]
    )[:JOBS_SHOWN]
    status = 400 if form.is_bound else 200
    return render(
        request,
        "music/import.html",
        {"form": form, "jobs": jobs, "importers": importers_for("music")},
        status=status,
    )


# The object is looked up before the method is checked, so another person's
# job id is a 404 whatever the method.
@login_required
@never_cache
def import_job(request: AuthedHtmxRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    return job_page(request, job, "music/import_job.html", request.path)
