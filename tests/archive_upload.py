"""Posting an Attune archive as a person does: the upload becomes an import
job (docs/uploads-bounded.md); here the job is run as a worker would run it,
and the page the person lands on is returned."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imports.jobs import run_job
from imports.models import ImportJob


def post_archive(client: Client, upload: SimpleUploadedFile) -> Any:
    """Post an archive, run its job as a worker would, and show the job's page."""
    response = client.post("/settings/import/", {"archive": upload})
    if response.status_code != 302:
        return response
    job = ImportJob.objects.latest("pk")
    run_job(job.pk)
    return client.get(response["Location"])
