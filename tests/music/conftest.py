from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from imports.jobs import create_job, run_job
from imports.models import ImportJob

FIXTURES = Path(__file__).parent / "fixtures"

Importer = Callable[..., ImportJob]


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def import_file(alice: User) -> Importer:
    """Import bytes (or a fixture file name) as `kind` for a user, synchronously."""

    def run(kind: str, data: bytes | str, name: str = "", user: User | None = None) -> ImportJob:
        if isinstance(data, str):
            name = name or data
            data = (FIXTURES / data).read_bytes()
        job = create_job(user or alice, kind, SimpleUploadedFile(name or "upload", data))
        finished = run_job(job.pk)
        assert finished is not None
        return finished

    return run
