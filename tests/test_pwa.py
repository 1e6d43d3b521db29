"""The web app manifest, the service worker and the offline page (issue 18)."""

from __future__ import annotations

import json

from django.test import Client

from accounts.models import User
from journal import checkins
from mood.values import Mood


def test_it_serves_a_manifest_an_installable_app_needs(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_it_serves_the_worker_from_the_root_uncached_with_its_shell(client: Client) -> None:
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    shell = json.loads(body.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert "/offline/" in shell and "/static/js/offline.js" in shell
    assert not [url for url in shell if url == "/" or url.startswith(("/history", "/settings"))]
    # Kept fields are named: the mood, the key and the moment, never the note.
    assert 'const KEPT = ["mood", "once", "when_date", "when_time"];' in body


def test_every_page_links_the_manifest_and_the_worker_script(alice_client: Client) -> None:
    html = alice_client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "js/offline.js" in html
    assert '<meta name="attune-account" content="' in html


def test_the_offline_page_shows_nothing_personal_even_to_someone_logged_in(
    alice: User, alice_client: Client
) -> None:
    checkins.record_checkin(alice, Mood(1, 1), note="A secret about the garden")
    html = alice_client.get("/offline/").content.decode()
    assert "You're offline" in html
    assert html.count('name="mood"') == 81
    for private in ("garden", alice.email, "csrfmiddlewaretoken", "attune-account"):
        assert private not in html


def test_device_account_names_differ_between_people(
    alice_client: Client, bob_client: Client
) -> None:
    def marker(client: Client) -> str:
        html = client.get("/").content.decode()
        return html.split('<meta name="attune-account" content="', 1)[1].split('"', 1)[0]

    assert marker(alice_client) != marker(bob_client)
    assert len(marker(alice_client)) == 24
