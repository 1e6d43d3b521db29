from __future__ import annotations

import io
import time
import zipfile

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from config.celery import app
from imports.models import ImportJob
from music.models import Listen, UserTrack
from tests.conftest import make_user
from tests.music.conftest import FIXTURES


@pytest.mark.django_db(transaction=True)
def test_it_imports_a_spotify_zip_through_a_real_worker(redis_broker: str) -> None:
    user = make_user("carol@example.com")
    client = Client()
    client.force_login(user)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(
            FIXTURES / "Streaming_History_Audio_2023.json",
            "Spotify Extended Streaming History/Streaming_History_Audio_2023.json",
        )
    upload = SimpleUploadedFile("my_spotify_data.zip", archive.getvalue())
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/music/import/", {"kind": "spotify", "file": upload})
        assert response.status_code == 302
        job = ImportJob.objects.get(user=user)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.1)
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.imported == 3 and job.attempts == 1
    assert Listen.objects.filter(user=user).count() == 3
    assert UserTrack.objects.filter(user=user, play_count=1).count() == 2
    page = client.get(f"/music/import/{job.pk}/", headers={"HX-Request": "true"})
    assert "every 1s" not in page.text and "See your music" in page.text
    library = client.get("/music/")
    assert "Lovely Day" in library.text and "Clair de lune" in library.text
