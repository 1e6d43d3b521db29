"""Search in notes that are encrypted at rest, through a blind index.

Each note is split into words; every prefix of 3+ characters of every word
(and short words whole) is turned into a keyed hash, HMAC-SHA256 with
ATTUNE_SEARCH_KEY and the owner's id, truncated to 128 bits, and stored as a
NoteToken row. A query is hashed the same way and matched by equality on an
index, so the database never holds note text and search stays fast for years
of entries. Per-user keying means equal words of two users do not match.
What leaks: which of one user's notes share a word prefix (not the word).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from config.rows import insert_rows
from journal.models import CheckIn, NoteToken

if TYPE_CHECKING:
    from accounts.models import User

MIN_PREFIX = 3
MAX_PREFIX = 24
MAX_QUERY_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def prefixes(word: str) -> Iterable[str]:
    if len(word) <= MIN_PREFIX:
        yield word
        return
    for end in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1):
        yield word[:end]


def digest(user_id: int, term: str) -> str:
    key = settings.ATTUNE_SEARCH_KEY.encode()
    mac = hmac.new(key, f"{user_id}:{term}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def note_digests(user_id: int, text: str) -> set[str]:
    return {digest(user_id, prefix) for word in words(text) for prefix in prefixes(word)}


def index_note(checkin: CheckIn, text: str, *, fresh: bool = False) -> None:
    """(Re)build the search tokens of one check-in's note; `fresh` says the
    check-in was just created, so it has no tokens to remove."""
    if not fresh:
        NoteToken.objects.filter(checkin=checkin).delete()
    digests = note_digests(checkin.user_id, text)
    insert_rows(
        NoteToken,
        ("user_id", "checkin_id", "digest"),
        [(checkin.user_id, checkin.pk, value) for value in digests],
    )


def query_digests(user_id: int, query: str) -> list[str]:
    terms = words(query)[:MAX_QUERY_TERMS]
    return [digest(user_id, term[:MAX_PREFIX]) for term in terms]


def search_notes(
    user: User, query: str, queryset: QuerySet[CheckIn] | None = None
) -> QuerySet[CheckIn]:
    """Check-ins whose note contains every word of `query` (as a word or word start)."""
    checkins = queryset if queryset is not None else CheckIn.objects.owned_by(user)
    digests = query_digests(user.pk, query)
    if not digests:
        return checkins.none()
    for value in digests:
        checkins = checkins.filter(
            pk__in=NoteToken.objects.filter(user_id=user.pk, digest=value).values("checkin_id")
        )
    return checkins
