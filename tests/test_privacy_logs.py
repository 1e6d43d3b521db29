"""Nothing sensitive in logs, URLs, emails or stored sessions, over a full flow."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from accounts.models import Session, User
from accounts.tasks import send_password_reset
from journal.models import CheckIn
from tests.factories import make_checkin

NOTE = "Quillowisp harbour confession: I still miss Tomasz every single night"
SECRET_WORDS = ["Quillowisp", "confession", "Tomasz"]
PASSWORD = "velvet-otter-Marrow-4419"
NEW_PASSWORD = "lantern-Fjord-quietly-8802"


@pytest.fixture
def sql_logged(db: None) -> Iterator[None]:
    """Log every SQL statement, as DEBUG=True would, so the test sees what reaches the database."""
    connection.force_debug_cursor = True
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    try:
        yield
    finally:
        connection.force_debug_cursor = False
        logging.getLogger("django.db.backends").setLevel(logging.WARNING)


def test_it_keeps_note_text_and_passwords_out_of_logs_urls_and_emails(
    caplog: pytest.LogCaptureFixture, sql_logged: None
) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    urls: list[str] = []

    def visit(method: str, url: str, data: object = None, **extra: object) -> object:
        response = getattr(client, method)(url, data, follow=True, **extra)
        urls.append(url)
        urls.extend(hop for hop, _ in response.redirect_chain)
        return response

    visit(
        "post",
        "/accounts/signup/",
        {
            "email": "sam@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Europe/Berlin",
        },
    )
    visit("post", "/accounts/logout/")
    visit("post", "/accounts/login/", {"username": "sam@example.com", "password": "wrong one"})
    visit("post", "/accounts/login/", {"username": "sam@example.com", "password": PASSWORD})
    sam = User.objects.get(email="sam@example.com")
    make_checkin(sam, NOTE, pleasantness=-3, energy=-2)
    for url in ["/", "/history/", "/history/?q=harbour", "/reflections/", "/settings/"]:
        visit("get", url)
    visit("get", "/history/?q=harbour", headers={"HX-Request": "true"})
    export = client.get("/settings/export.json")
    archive = b"".join(export.streaming_content)  # type: ignore[attr-defined]
    assert NOTE in json.loads(archive)["checkins"][0]["note"]  # the download has it, by design
    b"".join(client.get("/settings/export.csv").streaming_content)  # type: ignore[attr-defined]
    visit("post", "/settings/import/", {"archive": SimpleUploadedFile("a.json", archive)})
    visit("post", "/settings/import/", {"archive": SimpleUploadedFile("a.json", archive[:-40])})
    visit(
        "post",
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    sessions = [s.get_decoded() for s in Session.objects.all()]
    send_password_reset(sam.pk, "testserver", False)  # what the worker does for a reset
    assert len(mail.outbox) == 1
    visit("post", "/settings/delete/", {"password": "not my password"})
    visit("post", "/settings/delete/", {"password": NEW_PASSWORD})
    assert not CheckIn.objects.exists()

    logged = "\n".join(
        record.getMessage() + " " + repr(record.args) + " " + (record.exc_text or "")
        for record in caplog.records
    )
    assert "INSERT INTO" in logged  # SQL really was captured
    emails = "\n".join(
        f"{m.subject}\n{m.body}\n{getattr(m, 'alternatives', '')}" for m in mail.outbox
    )
    stored = repr(sessions)
    for secret in [*SECRET_WORDS, PASSWORD, NEW_PASSWORD]:
        for where, text in [
            ("logs", logged),
            ("URLs", "\n".join(urls)),
            ("emails", emails),
            ("sessions", stored),
        ]:
            assert secret.lower() not in text.lower(), f"{secret!r} leaked into {where}"
