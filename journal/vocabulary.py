"""The default context tags every new user starts with, and adding a tag (the
emotion words themselves live in mood.vocabulary)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import User
from journal.models import Tag

# (name, is_musical). The musical ones come from the seed essay.
DEFAULT_TAGS: list[tuple[str, bool]] = [
    ("listened to music", True),
    ("played an instrument", True),
    ("sang", True),
    ("sang or played with others", True),
    ("went to a concert", True),
    ("danced", True),
    ("slept well", False),
    ("slept badly", False),
    ("exercise", False),
    ("time with friends", False),
    ("alone time", False),
    ("work", False),
    ("therapy", False),
]


def ensure_default_tags(user: User) -> None:
    existing = {
        name.lower() for name in Tag.objects.filter(user=user).values_list("name", flat=True)
    }
    Tag.objects.bulk_create(
        [
            Tag(user=user, name=name, is_musical=musical, position=index)
            for index, (name, musical) in enumerate(DEFAULT_TAGS)
            if name.lower() not in existing
        ],
        ignore_conflicts=True,  # a second welcome at the same moment adds nothing
    )


def add_tag(user: User, name: str, *, is_musical: bool = False) -> tuple[Tag, bool]:
    """A new tag at the end of the user's list: (the tag, whether it is new).
    The same name added twice at once (two tabs, a double tap) answers with the
    tag the first one made: the unique constraint decides, never a 500."""
    top = Tag.objects.filter(user=user).aggregate(top=Max("position"))["top"]
    try:
        with transaction.atomic():
            tag = Tag.objects.create(
                user=user,
                name=name,
                is_musical=is_musical,
                position=0 if top is None else top + 1,
            )
    except IntegrityError:
        return Tag.objects.get(user=user, name__iexact=name), False
    return tag, True
