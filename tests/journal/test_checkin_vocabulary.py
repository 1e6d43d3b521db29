from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from journal.models import CheckIn, CheckInTrack, Tag
from journal.search import search_notes
from mood.models import EmotionWord
from mood.values import Mood, Quadrant
from mood.vocabulary import SHIPPED_WORDS, install_vocabulary, words_near
from music.models import UserTrack


@pytest.fixture(autouse=True)
def vocabulary(db: None) -> None:
    """The shipped words (a transactional test elsewhere may have flushed them)."""
    install_vocabulary(EmotionWord)


def test_it_ships_its_own_vocabulary_across_the_whole_grid(db: None) -> None:
    shipped = list(EmotionWord.objects.filter(user__isnull=True))
    assert 80 <= len(shipped) <= 120
    assert len(shipped) == len(SHIPPED_WORDS)
    quadrants = Counter(word.quadrant for word in shipped)
    for quadrant in Quadrant:
        assert quadrants[quadrant] >= 15, quadrant
    assert all(word.definition for word in shipped)
    assert any(w.pleasantness == 0 for w in shipped) and any(w.energy == 0 for w in shipped)


def test_it_offers_the_tapped_quadrants_words_plus_the_users_own(alice: User) -> None:
    mine = EmotionWord.objects.create(user=alice, word="fizzy", pleasantness=3, energy=3)
    vocabulary = list(EmotionWord.objects.for_user(alice))
    sad = EmotionWord.objects.get(word="sad")
    near, other = words_near(Mood(-3, -3), vocabulary, {sad.pk})
    names = {word.word for word in near}
    assert {"helpless", "sad", "lonely", "fizzy"} <= names
    assert not names & {"thrilled", "furious", "serene"}
    assert len(near) + len(other) == len(vocabulary)
    assert mine in near


def test_it_adds_and_removes_a_users_own_word(alice: User, alice_client: Client) -> None:
    response = alice_client.post(
        reverse("journal:words"),
        {"word": "  fizzy  ", "definition": "Bubbly", "mood": "3,3"},
        follow=True,
    )
    assert "Added “fizzy” to your words." in response.content.decode()
    word = EmotionWord.objects.get(user=alice, word="fizzy")
    assert (word.pleasantness, word.energy) == (3, 3)

    again = alice_client.post(reverse("journal:words"), {"word": "FIZZY", "mood": "1,1"})
    assert "already in your words" in again.content.decode()
    shipped = alice_client.post(reverse("journal:words"), {"word": "Calm", "mood": "1,1"})
    assert "already in your words" in shipped.content.decode()
    unplaced = alice_client.post(reverse("journal:words"), {"word": "glowy"})
    html = unplaced.content.decode()
    assert "Please place your word on the grid." in html and 'value="glowy"' in html

    alice_client.post(reverse("journal:word_delete", args=[word.pk]))
    assert not EmotionWord.objects.filter(user=alice).exists()


def test_nobody_can_remove_a_shipped_word_or_someone_elses(alice: User, bob_client: Client) -> None:
    mine = EmotionWord.objects.create(user=alice, word="fizzy", pleasantness=3, energy=3)
    shipped = EmotionWord.objects.get(word="calm")
    for word in (mine, shipped):
        assert bob_client.post(reverse("journal:word_delete", args=[word.pk])).status_code == 404
    assert EmotionWord.objects.filter(pk__in=[mine.pk, shipped.pk]).count() == 2


def test_it_starts_with_default_tags_including_the_musical_ones(alice: User) -> None:
    names = set(Tag.objects.filter(user=alice).values_list("name", flat=True))
    assert {"sang", "danced", "went to a concert", "played an instrument", "therapy"} <= names


def test_it_adds_renames_and_hides_tags(alice: User, alice_client: Client) -> None:
    alice_client.post(reverse("journal:tags"), {"name": "choir", "is_musical": "on"})
    choir = Tag.objects.get(user=alice, name="choir")
    assert choir.is_musical
    clash = alice_client.post(reverse("journal:tags"), {"name": "Sang"})
    assert "already have a tag called" in clash.content.decode()
    alice_client.post(reverse("journal:tag_update", args=[choir.pk]), {"name": "choir practice"})
    choir.refresh_from_db()
    assert choir.name == "choir practice" and not choir.is_musical
    alice_client.post(reverse("journal:tag_update", args=[choir.pk]), {"archived": "1"})
    choir.refresh_from_db()
    assert choir.archived
    alice_client.post("/", {"mood": "1,1"})
    checkin = CheckIn.objects.get(user=alice)
    html = alice_client.get(reverse("journal:checkin_detail", args=[checkin.pk])).content.decode()
    assert f'name="tags" value="{choir.pk}"' not in html
    assert "danced</label>" in html


def test_another_users_tag_is_404(alice: User, bob_client: Client) -> None:
    sang = Tag.objects.get(user=alice, name="sang")
    for method in ("get", "post", "delete"):
        response = getattr(bob_client, method)(reverse("journal:tag_update", args=[sang.pk]))
        assert response.status_code == 404
    assert Tag.objects.get(pk=sang.pk).name == "sang"


def test_the_demo_has_three_months_of_lived_in_check_ins(db: None) -> None:
    call_command("seed_demo", days=30, seed=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = User.objects.get(email="demo@attune.local")
    checkins = CheckIn.objects.filter(user=user)
    assert 25 <= checkins.count() <= 90
    assert len({c.local_date for c in checkins}) >= 20
    with_words = checkins.filter(words__isnull=False).distinct().count()
    assert with_words > checkins.count() // 2
    assert checkins.filter(tags__isnull=False).distinct().exists()
    assert CheckInTrack.objects.filter(checkin__user=user).count() > 5
    notes = [c.note for c in checkins if c.note]
    assert len(notes) > 5
    word = notes[0].split()[0]
    assert search_notes(user, word).exists()
    assert UserTrack.objects.filter(user=user, checkin_count__gt=0).exists()
    assert len({c.quadrant for c in checkins}) >= 4
