"""Login throttling with django-axes: five failures, then a kind pause."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.client_ip import client_ip
from accounts.models import AccountEmail, User
from tests.conftest import PASSWORD, make_user

LOGIN = "/accounts/login/"


def attempt(client: Client, password: str, email: str = "alice@example.com") -> object:
    return client.post(LOGIN, {"username": email, "password": password})


def fail_five_times(client: Client) -> None:
    for number in range(1, 6):
        response = attempt(client, f"wrong guess {number}")
        if number < 5:
            assert response.status_code == 200  # type: ignore[attr-defined]
            assert "match an account" in response.content.decode()  # type: ignore[attr-defined]


def test_it_locks_the_sixth_attempt_even_with_the_right_password(alice: User) -> None:
    client = Client()
    fail_five_times(client)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "pause" in page
    assert "try again in about 15 minutes" in page
    assert 'href="/accounts/password/reset/"' in page
    assert "failed" not in page.lower()
    assert client.get("/settings/").status_code == 302  # not logged in


def test_it_tells_the_real_cool_off_time(alice: User, settings: object) -> None:
    settings.AXES_COOLOFF_TIME = 0.5  # type: ignore[attr-defined]
    client = Client()
    fail_five_times(client)
    page = attempt(client, PASSWORD).content.decode()  # type: ignore[attr-defined]
    assert "try again in about 30 minutes" in page


def test_it_lets_four_mistakes_pass(alice: User) -> None:
    client = Client()
    for number in range(4):
        attempt(client, f"wrong {number}")
    assert attempt(client, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_locks_only_that_username_and_address(alice: User, bob: User) -> None:
    fail_five_times(Client())
    assert attempt(Client(), PASSWORD, "bob@example.com").status_code == 302  # type: ignore[attr-defined]
    other_address = Client(REMOTE_ADDR="192.0.2.9")
    assert attempt(other_address, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_lifts_the_lock_after_the_cool_off(alice: User) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        fail_five_times(Client())
        assert attempt(Client(), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert attempt(Client(), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert attempt(Client(), PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_it_lifts_the_lock_when_the_password_is_reset_by_email(alice: User) -> None:
    fail_five_times(Client())
    assert AccessAttempt.objects.filter(username="alice@example.com").exists()
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new and quiet path 7", "new_password2": "a new and quiet path 7"},
    )
    assert response.status_code == 302
    assert attempt(Client(), "a new and quiet path 7").status_code == 302  # type: ignore[attr-defined]


# ---------------------------------------------------------------- issue 19

RESET = "/accounts/password/reset/"


def ask_reset(client: Client, email: str = "alice@example.com") -> object:
    response = client.post(RESET, {"email": email})
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == "/accounts/password/reset/sent/"  # type: ignore[index]
    return response


def test_forty_resets_in_two_seconds_send_at_most_three(alice: User) -> None:
    client = Client()
    for _ in range(40):
        ask_reset(client)  # the page says the same every time
    assert AccountEmail.objects.filter(user=alice).count() == 3


def test_the_address_limit_holds_across_many_ips(alice: User) -> None:
    for number in range(10):
        ask_reset(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"))
    assert AccountEmail.objects.filter(user=alice).count() == 3


def test_resets_are_limited_per_client_address(db: None, settings: object) -> None:
    settings.ATTUNE_RESET_PER_IP_PER_HOUR = 5  # type: ignore[attr-defined]
    users = [make_user(f"person{n}@example.com") for n in range(8)]
    one_place = Client(REMOTE_ADDR="203.0.113.5")
    for user in users:
        ask_reset(one_place, user.email)
    assert AccountEmail.objects.count() == 5
    ask_reset(Client(REMOTE_ADDR="203.0.113.6"), users[-1].email)
    assert AccountEmail.objects.filter(user=users[-1]).count() == 1


def test_the_reset_window_starts_again_after_an_hour(alice: User) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            ask_reset(Client())
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        ask_reset(Client())
    assert AccountEmail.objects.filter(user=alice).count() == 4


def test_unknown_addresses_count_too_and_send_nothing(db: None) -> None:
    for _ in range(5):
        ask_reset(Client(), "nobody@example.com")
    assert not AccountEmail.objects.exists()


def test_the_per_account_ceiling_holds_across_addresses(alice: User, settings: object) -> None:
    settings.ATTUNE_LOGIN_ACCOUNT_LIMIT = 12  # type: ignore[attr-defined]
    statuses = []
    for place in range(3):  # four guesses from each, under the per-address five
        guesser = Client(REMOTE_ADDR=f"192.0.2.{place + 10}")
        for number in range(4):
            statuses.append(attempt(guesser, f"guess {place}-{number}").status_code)  # type: ignore[attr-defined]
    assert statuses == [200] * 11 + [429]  # the twelfth reaches the ceiling
    # The account is paused everywhere, even for the right password from a new place.
    assert attempt(Client(REMOTE_ADDR="192.0.2.99"), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    # Others are not.
    make_user("bob@example.com")
    assert attempt(Client(REMOTE_ADDR="192.0.2.99"), PASSWORD, "bob@example.com").status_code == 302  # type: ignore[attr-defined]


def test_below_the_ceiling_other_addresses_still_log_in(alice: User) -> None:
    fail_five_times(Client(REMOTE_ADDR="192.0.2.50"))
    assert attempt(Client(REMOTE_ADDR="192.0.2.50"), PASSWORD).status_code == 429  # type: ignore[attr-defined]
    assert attempt(Client(REMOTE_ADDR="192.0.2.51"), PASSWORD).status_code == 302  # type: ignore[attr-defined]


PROXY = "10.0.0.2"


def via_proxy(client_address: str, spoofed: str = "") -> Client:
    """A request through one proxy: it appends the address it was reached from."""
    chain = f"{spoofed}, {client_address}" if spoofed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


def test_behind_a_proxy_the_client_address_is_counted(alice: User, settings: object) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = 1  # type: ignore[attr-defined]
    for number in range(5):
        # The attacker changes the part of the header it writes itself.
        attempt(via_proxy("198.51.100.7", spoofed=f"192.0.2.{number}"), f"wrong {number}")
    locked = attempt(via_proxy("198.51.100.7", spoofed="192.0.2.200"), PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    # The real owner, behind the same proxy from elsewhere, is not locked out.
    assert attempt(via_proxy("198.51.100.8"), PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_resets_behind_a_proxy_are_counted_per_client(db: None, settings: object) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = 1  # type: ignore[attr-defined]
    settings.ATTUNE_RESET_PER_IP_PER_HOUR = 2  # type: ignore[attr-defined]
    users = [make_user(f"p{n}@example.com") for n in range(4)]
    for number, user in enumerate(users):
        ask_reset(via_proxy("198.51.100.7", spoofed=f"192.0.2.{number}"), user.email)
    assert AccountEmail.objects.count() == 2
    ask_reset(via_proxy("198.51.100.9"), users[-1].email)
    assert AccountEmail.objects.count() == 3


def test_without_trusted_proxies_the_header_is_ignored(alice: User) -> None:
    for number in range(5):
        spoofer = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        attempt(spoofer, f"wrong {number}")
    spoofer = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert attempt(spoofer, PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_client_ip_reads_the_nth_entry_from_the_right(settings: object) -> None:
    factory = RequestFactory()

    def ip(remote: str, forwarded: str | None, proxies: int) -> str:
        settings.ATTUNE_TRUSTED_PROXIES = proxies  # type: ignore[attr-defined]
        request = factory.get("/", REMOTE_ADDR=remote)
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(request)

    assert ip("10.0.0.2", "1.2.3.4, 5.6.7.8", 0) == "10.0.0.2"
    assert ip("10.0.0.2", "1.2.3.4, 5.6.7.8", 1) == "5.6.7.8"
    assert ip("10.0.0.2", "1.2.3.4, 5.6.7.8, 10.0.0.1", 2) == "5.6.7.8"
    assert ip("10.0.0.2", "5.6.7.8", 2) == "10.0.0.2"  # fewer entries than proxies
    assert ip("10.0.0.2", None, 1) == "10.0.0.2"
    assert ip("10.0.0.2", "1.2.3.4, not-an-ip", 1) == "10.0.0.2"
    assert ip("10.0.0.2", " 2001:db8::1 ", 1) == "2001:db8::1"
