"""Issue 18: correct under repeats. A check-in form's one-time key makes every
repeat of its post (a double tap, a retry, back-and-resubmit, four at once)
one check-in; tags and words added twice at once are one row and never a 500.
The concurrent tests post from threads, each with its own PostgreSQL connection."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from accounts.models import User
from journal import checkins
from journal.models import CheckIn, Tag
from journal.vocabulary import add_tag
from mood.models import EmotionWord
from mood.values import Mood
from mood.vocabulary import add_word
from tests.conftest import make_user

HX = {"HX-Request": "true"}


def at_once(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run `work` in `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(10)
            results[index] = work()
        except Exception as error:  # the test reads it as that thread's result
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_a_one_time_key_in_the_check_in_form(alice_client: Client) -> None:
    first = alice_client.get("/").content.decode()
    second = alice_client.get("/").content.decode()
    keys = [page.split('name="once" value="')[1][:36] for page in (first, second)]
    assert all(uuid.UUID(key) for key in keys)
    assert keys[0] != keys[1], "every showing of the form has its own key"


def test_it_makes_one_check_in_from_a_repeated_post(alice: User, alice_client: Client) -> None:
    key = str(uuid.uuid4())
    first = alice_client.post("/", {"mood": "2,1", "once": key})
    again = alice_client.post("/", {"mood": "2,1", "once": key})
    checkin = CheckIn.objects.get(user=alice)
    assert first["Location"] == again["Location"] == f"/checkins/{checkin.pk}/"
    page = alice_client.get(again["Location"]).content.decode()
    assert "already saved" in page


def test_it_answers_a_repeat_over_htmx_with_the_same_check_in(
    alice: User, alice_client: Client
) -> None:
    key = str(uuid.uuid4())
    alice_client.post("/", {"mood": "-1,3", "once": key}, headers=HX)
    again = alice_client.post("/", {"mood": "-1,3", "once": key}, headers=HX)
    assert again.status_code == 200
    assert "Saved ✓" in again.content.decode()
    assert CheckIn.objects.filter(user=alice).count() == 1


def test_it_keeps_keys_apart_between_people(
    alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    key = str(uuid.uuid4())
    alice_client.post("/", {"mood": "1,1", "once": key})
    bob_client.post("/", {"mood": "1,1", "once": key})
    assert CheckIn.objects.filter(user=alice).count() == 1
    assert CheckIn.objects.filter(user=bob).count() == 1


def test_it_says_a_repeat_of_a_deleted_check_in_was_deleted(
    alice: User, alice_client: Client
) -> None:
    key = uuid.uuid4()
    checkin, _ = checkins.record_checkin_once(alice, key, Mood(0, 0))
    checkins.delete_checkin(checkin)
    response = alice_client.post("/", {"mood": "0,0", "once": str(key)}, follow=True)
    assert "saved before, and deleted since" in response.content.decode()
    assert CheckIn.objects.live().filter(user=alice).count() == 0


def test_it_says_a_tampered_key_has_expired(alice: User, alice_client: Client) -> None:
    response = alice_client.post("/", {"mood": "0,0", "once": "not-a-key"})
    assert response.status_code == 200
    assert "This form has expired" in response.content.decode()
    assert not CheckIn.objects.filter(user=alice).exists()


def test_it_answers_a_replayed_offline_tap_with_a_status(alice: User, alice_client: Client) -> None:
    key = str(uuid.uuid4())
    data = {"mood": "3,-2", "once": key, "tapped_at": "2026-01-05T07:15:00Z"}
    replay = {"X-Attune-Replay": "1"}
    assert alice_client.post("/", data, headers=replay).status_code == 201
    assert alice_client.post("/", data, headers=replay).status_code == 200
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.felt_at.isoformat() == "2026-01-05T07:15:00+00:00"
    future = {"mood": "3,-2", "once": str(uuid.uuid4()), "tapped_at": "2999-01-01T00:00:00Z"}
    refused = alice_client.post("/", future, headers=replay)
    assert refused.status_code == 422
    assert "hasn't happened yet" in refused.content.decode()
    bad = {"mood": "3,-2", "once": str(uuid.uuid4()), "tapped_at": "yesterday-ish"}
    assert alice_client.post("/", bad, headers=replay).status_code == 422
    assert CheckIn.objects.filter(user=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_identical_posts_make_one_check_in() -> None:
    user = make_user("quad@example.com")
    key = str(uuid.uuid4())
    clients = [logged_in(user) for _ in range(4)]
    it = iter(clients)
    lock = threading.Lock()

    def post() -> Any:
        with lock:
            client = next(it)
        return client.post("/", {"mood": "1,-1", "once": key})

    responses = at_once(4, post)
    assert [getattr(r, "status_code", r) for r in responses] == [302] * 4
    checkin = CheckIn.objects.get(user=user)
    assert {r["Location"] for r in responses} == {f"/checkins/{checkin.pk}/"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_tag_and_word_creation_answers_without_a_500() -> None:
    user = make_user("tags@example.com")
    clients = iter([logged_in(user) for _ in range(8)])
    lock = threading.Lock()

    def post(path: str, data: dict[str, str]) -> Callable[[], Any]:
        def run() -> Any:
            with lock:
                client = next(clients)
            return client.post(path, data)

        return run

    tags = at_once(4, post("/tags/", {"name": "Choir practice"}))
    words = at_once(4, post("/words/", {"word": "wistful-ish", "mood": "-1,-1"}))
    # Each answer is the saved row (a redirect) or the form saying it exists.
    for response in tags + words:
        assert getattr(response, "status_code", response) in (200, 302), response
        if response.status_code == 200:
            assert "already" in response.content.decode()
    assert Tag.objects.filter(user=user, name="Choir practice").count() == 1
    assert EmotionWord.objects.filter(user=user, word="wistful-ish").count() == 1


def test_adding_a_tag_or_word_that_just_appeared_answers_with_it(alice: User) -> None:
    # What the loser of a race meets: the form's check passed, the row is there now.
    first, created = add_tag(alice, "Night shift")
    again, created_again = add_tag(alice, "night shift")
    assert created and not created_again and again.pk == first.pk
    word, made = add_word(alice, "fizzy", Mood(2, 3))
    same, made_again = add_word(alice, "Fizzy", Mood(1, 1))
    assert made and not made_again and same.pk == word.pk


def test_renaming_a_tag_onto_one_that_just_appeared_is_a_form_error(
    alice: User, alice_client: Client
) -> None:
    tag, _ = add_tag(alice, "Walks")
    add_tag(alice, "Runs")
    # The form's own check would catch this; the database's is what a race meets.
    Tag.objects.filter(pk=tag.pk).update(name="Walks")
    response = alice_client.post(f"/tags/{tag.pk}/", {"name": "runs"})
    assert response.status_code == 200
    assert "already have a tag called" in response.content.decode()
