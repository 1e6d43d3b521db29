"""The default context tags every new user starts with (the emotion words
themselves live in mood.vocabulary)."""

from __future__ import annotations

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
        ]
    )
