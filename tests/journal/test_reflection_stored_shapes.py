"""Reflections stored by earlier versions still read, render and export.

OLD_CONTENT is a dict the pre-typed code (journal/reflections.py's
build_content, before the split) produced for a hand-built week, copied as it
came out; EARLIEST changes it the way the first version stored it (a bool
shortfall, no version) and drops figures added since, as a reflection saved
before a new figure existed would lack them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from journal.archive import export_json
from journal.models import WeeklyReflection
from journal.reflections.content import CONTENT_VERSION, ReflectionContent
from journal.reflections.emails import render_reflection_email
from tests.journal.reflection_helpers import WEEK, checkin, days

pytestmark = pytest.mark.django_db

OLD_CONTENT: dict[str, Any] = {
    "version": 1,
    "week_start": "2026-11-16",
    "week_end": "2026-11-22",
    "count": 6,
    "days": 5,
    "empty": False,
    "music": {
        "top_tracks": [{"track_id": 7, "title": "Holocene", "artist": "Bon Iver", "plays": 4}],
        "listens": 11,
        "minutes": 38,
    },
    "suggestions": [
        {
            "preset": "comfort",
            "name": "Comfort and Solace",
            "why": "Familiar songs that feel like company.",
            "playlist_id": 55,
            "tracks": 12,
            "shortfall": "",
        },
        {
            "preset": "release",
            "name": "Emotional Release",
            "why": "A gentle way to let some feelings out, then settle.",
            "playlist_id": None,
            "tracks": 0,
            "shortfall": (
                "Attune doesn't know how any of your songs feel yet. Rate a few songs you "
                "love and this playlist can be made from your own music."
            ),
        },
    ],
    "exercise": {
        "kind": "improvisation",
        "title": "A musical conversation",
        "intro": "Music can be a way to talk without needing the right words.",
        "steps": [
            "Hum, whistle or tap a short phrase, a few seconds long.",
            "Answer it with another phrase, as if someone were replying to you.",
            (
                "If you can, try it with a friend over a call: one of you plays a phrase, "
                "the other answers. There is no wrong note."
            ),
        ],
    },
    "care": False,
    "mean": {"pleasantness": -1.2, "energy": -1.8},
    "previous": {"pleasantness": 0.4, "energy": 0.1, "count": 9},
    "quadrants": [
        {
            "quadrant": "yellow",
            "label": "Bright",
            "description": "pleasant, high energy",
            "count": 1,
            "percent": 17,
        },
        {
            "quadrant": "green",
            "label": "Calm",
            "description": "pleasant, low energy",
            "count": 1,
            "percent": 17,
        },
        {
            "quadrant": "blue",
            "label": "Heavy",
            "description": "unpleasant, low energy",
            "count": 4,
            "percent": 67,
        },
    ],
    "high": {
        "checkin_id": 101,
        "date": "2026-11-21",
        "day": "Saturday",
        "pleasantness": 2,
        "energy": 1,
        "quadrant": "yellow",
        "describe": "somewhat pleasant, slightly high energy",
    },
    "low": {
        "checkin_id": 102,
        "date": "2026-11-18",
        "day": "Wednesday",
        "pleasantness": -3,
        "energy": -3,
        "quadrant": "blue",
        "describe": "unpleasant, low energy",
    },
    "words": [["tired", 3], ["lonely", 1]],
    "tags": [["work", 2]],
}


def stored(user: User, content: dict[str, Any]) -> WeeklyReflection:
    """The old content with its moments pointing at real check-ins of `user`."""
    content = copy.deepcopy(content)
    high = checkin(user, days()[5], 2, 1, note="dinner with my sister")
    low = checkin(user, days()[2], -3, -3, note="a long grey day")
    content["high"]["checkin_id"], content["low"]["checkin_id"] = high.pk, low.pk
    return WeeklyReflection.objects.create(user=user, week_start=WEEK, content=content)


def earliest() -> dict[str, Any]:
    content = copy.deepcopy(OLD_CONTENT)
    del content["version"], content["music"], content["days"], content["care"]
    for suggestion in content["suggestions"]:
        suggestion["shortfall"] = suggestion["playlist_id"] is None
    return content


def test_it_writes_back_exactly_the_shape_the_old_code_stored() -> None:
    assert ReflectionContent.from_stored(OLD_CONTENT).to_stored() == OLD_CONTENT
    assert OLD_CONTENT["version"] == CONTENT_VERSION


def test_it_reads_every_figure_of_the_old_shape() -> None:
    content = ReflectionContent.from_stored(OLD_CONTENT)
    assert (content.count, content.days, content.empty) == (6, 5, False)
    assert content.mean is not None and content.mean.pleasantness == -1.2
    assert content.previous is not None and content.previous.count == 9
    assert content.high is not None and content.high.day == "Saturday"
    assert [s.preset for s in content.suggestions] == ["comfort", "release"]
    assert content.exercise is not None and content.exercise.kind == "improvisation"
    assert content.words == [("tired", 3), ("lonely", 1)]


def test_it_reads_the_earliest_shape_with_defaults_for_later_figures() -> None:
    content = ReflectionContent.from_stored(earliest())
    assert content.version == CONTENT_VERSION
    assert content.days == 0 and content.care is False
    assert content.music.top_tracks == [] and content.music.minutes == 0
    assert [s.shortfall for s in content.suggestions] == ["", ""]


def test_it_reads_nothing_and_garbage_as_an_empty_week() -> None:
    for data in ({}, {"count": "six", "suggestions": "none", "words": [["a"]]}, None):
        content = ReflectionContent.from_stored(data)
        assert content.empty and content.suggestions == [] and content.words == []


@pytest.mark.parametrize("shape", ["old", "earliest"])
def test_a_reflection_stored_in_an_old_shape_renders_on_its_page(
    alice: User, alice_client: Client, shape: str
) -> None:
    reflection = stored(alice, OLD_CONTENT if shape == "old" else earliest())
    response = alice_client.get(f"/reflections/{reflection.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your week, 16–22 November 2026" in html
    assert "Your pleasantness averaged -1.2, lower than the four weeks before (+0.4)." in html
    assert "Saturday" in html and "dinner with my sister" in html
    assert "Comfort and Solace" in html and "/playlists/55/" in html
    assert "A musical conversation" in html
    assert "tired" in html
    assert ">True<" not in html
    if shape == "old":
        assert "Bon Iver – Holocene" in html
        assert "Rate a few songs you love" in html
    listed = alice_client.get("/reflections/").content.decode()
    assert "6 check-ins" in listed and "Comfort and Solace, Emotional Release" in listed


@pytest.mark.parametrize("shape", ["old", "earliest"])
def test_a_reflection_stored_in_an_old_shape_renders_in_the_email(alice: User, shape: str) -> None:
    alice.reflection_include_notes = True
    alice.save()
    reflection = stored(alice, OLD_CONTENT if shape == "old" else earliest())
    message = render_reflection_email(reflection)
    html = message.alternatives[0].content  # type: ignore[attr-defined]
    assert message.subject == "Your week in moods and music · 16–22 November 2026"
    for body in (message.body, html):
        assert "lower than the four weeks before (+0.4)" in body
        assert "Comfort and Solace" in body and "/playlists/55/" in body
        assert "A musical conversation" in body
        assert "dinner with my sister" in body
    assert "You checked in 6 times on" in message.body
    if shape == "old":
        assert "Bon Iver – Holocene (4 times)" in message.body


def test_the_archive_exports_an_old_reflection_in_the_current_shape(alice: User) -> None:
    stored(alice, earliest())
    archive = json.loads("".join(export_json(alice)))
    (content,) = [r["content"] for r in archive["reflections"]]
    assert content["version"] == CONTENT_VERSION
    assert content["music"] == {"top_tracks": [], "listens": 0, "minutes": 0}
    assert [s["shortfall"] for s in content["suggestions"]] == ["", ""]
