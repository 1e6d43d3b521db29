"""Every URL that names an object is sealed to its owner (see tests/ownership.py)."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import clear_url_caches

from accounts.models import User
from tests.ownership import check_route, is_exempt
from tests.urlwalk import iter_routes


def matrix_problems(alice: User, alice_client: Client, bob_client: Client) -> tuple[list[str], int]:
    problems: list[str] = []
    checked = 0
    for route in iter_routes():
        if not route.kwargs or is_exempt(route):
            continue
        checked += 1
        problems += check_route(route, alice, bob_client, alice_client)
    return problems, checked


def test_it_seals_every_object_url_to_its_owner(
    alice: User, alice_client: Client, bob_client: Client
) -> None:
    problems, _ = matrix_problems(alice, alice_client, bob_client)
    assert not problems, "\n".join(problems)


def test_the_matrix_catches_a_leak_and_an_unmapped_url(
    alice: User, alice_client: Client, bob_client: Client
) -> None:
    clear_url_caches()
    try:
        with override_settings(ROOT_URLCONF="tests.ownership_urls"):
            problems, checked = matrix_problems(alice, alice_client, bob_client)
    finally:
        clear_url_caches()
    text = "\n".join(problems)
    assert checked >= 3
    assert "selftest/checkins/" not in text  # the sealed view passes
    assert "(selftest_leaky): another user got 200 on GET" in text
    assert "(selftest_leaky): another user's requests changed the owner's data" in text
    assert "'gizmo_id', which the ownership matrix cannot map" in text


def test_it_keeps_the_admin_to_staff(alice: User, bob_client: Client) -> None:
    response = bob_client.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert alice.email not in bob_client.get(response["Location"]).content.decode()
