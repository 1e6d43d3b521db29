"""Search in notes that are encrypted at rest, through a blind index.

Each note is split into words; every prefix of 3+ characters of every word
(and short words whole) is turned into a keyed hash: HMAC-SHA256 with
ATTUNE_SEARCH_KEY over the owner's id and the term, its first 64 bits read as
a signed integer (a "token"). A check-in's distinct tokens are stored in one
NoteIndex row: a `bigint[]` with a GIN index on PostgreSQL, packed 8-byte
tokens matched with `instr()` on SQLite. A query is hashed the same way and
matched by containment, so the database never holds note text and search
stays fast for years of entries. Keying by user means equal words of two
users give unrelated tokens. What leaks: which of one user's notes share a
word prefix (not the word). docs/history-performance.md has the sizes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from journal.models import CheckIn, NoteIndex, pack_tokens

if TYPE_CHECKING:
    from accounts.models import User

MIN_PREFIX = 3
MAX_PREFIX = 24
MAX_QUERY_TERMS = 8
# Check-ins per INSERT statement when indexing many at once.
BATCH = 500
_WORD = re.compile(r"\w+", re.UNICODE)
TABLE = NoteIndex._meta.db_table
CONTAINS_SQL = f"SELECT checkin_id FROM {TABLE} WHERE tokens @> %s::bigint[]"  # noqa: S608
INSTR_SQL = f"SELECT checkin_id FROM {TABLE} WHERE"  # noqa: S608


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


def token(user_id: int, term: str) -> int:
    """The keyed hash of one term for one user, as a signed 64-bit integer.
    (It is the first half of the 128-bit hex digest the old NoteToken rows
    held, which is how migration 0004 converts them without the notes.)"""
    key = settings.ATTUNE_SEARCH_KEY.encode()
    mac = hmac.new(key, f"{user_id}:{term}".encode(), hashlib.sha256).digest()
    return int.from_bytes(mac[:8], "big", signed=True)


def note_tokens(user_id: int, text: str) -> list[int]:
    """The distinct tokens of a note, sorted (so equal notes store equal rows)."""
    terms = {prefix for word in words(text) for prefix in prefixes(word)}
    return sorted({token(user_id, term) for term in terms})


def _db_value(tokens: Sequence[int]) -> list[int] | bytes:
    return list(tokens) if connection.vendor == "postgresql" else pack_tokens(tokens)


def index_notes(notes: Iterable[tuple[int, int, str]]) -> None:
    """(Re)build the index rows of many check-ins at once, from
    (user_id, checkin_id, note text): one statement per BATCH check-ins.
    An empty note removes the check-in's row."""
    rows: list[tuple[int, list[int] | bytes]] = []
    empty: list[int] = []
    for user_id, checkin_id, text in notes:
        tokens = note_tokens(user_id, text) if text else []
        if tokens:
            rows.append((checkin_id, _db_value(tokens)))
        else:
            empty.append(checkin_id)
    cast = "::bigint[]" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(empty), BATCH):
            batch = empty[start : start + BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {TABLE} WHERE checkin_id IN ({marks})", batch)  # noqa: S608
        for start in range(0, len(rows), BATCH):
            batch_rows = rows[start : start + BATCH]
            values = ", ".join([f"(%s, %s{cast})"] * len(batch_rows))
            cursor.execute(
                f"INSERT INTO {TABLE} (checkin_id, tokens) VALUES {values} "  # noqa: S608
                "ON CONFLICT (checkin_id) DO UPDATE SET tokens = excluded.tokens",
                [value for row in batch_rows for value in row],
            )


def index_note(checkin: CheckIn, text: str, *, fresh: bool = False) -> None:
    """(Re)build the search index row of one check-in's note. `fresh` (the
    check-in was just created) is kept for callers; the upsert covers both."""
    index_notes([(checkin.user_id, checkin.pk, text)])


def query_tokens(user_id: int, query: str) -> list[int]:
    terms = words(query)[:MAX_QUERY_TERMS]
    return sorted({token(user_id, term[:MAX_PREFIX]) for term in terms})


def matching_sql(tokens: Sequence[int]) -> tuple[str, list[Any]]:
    """A subquery for the ids of check-ins whose note holds every token, and
    its parameters. The SQL text is ours alone; the tokens are parameters."""
    if connection.vendor == "postgresql":
        # `@>` (contains) is answered from the GIN index.
        return CONTAINS_SQL, [list(tokens)]
    # SQLite: 8-byte tokens packed in a blob; instr() finds each. A match at an
    # unaligned offset would need 64 random bits to agree: not worth a check.
    where = " AND ".join(["instr(tokens, %s) > 0"] * len(tokens))
    return f"{INSTR_SQL} {where}", [pack_tokens([value]) for value in tokens]


def search_notes(
    user: User, query: str, queryset: QuerySet[CheckIn] | None = None
) -> QuerySet[CheckIn]:
    """Check-ins whose note contains every word of `query` (as a word or word start)."""
    checkins = queryset if queryset is not None else CheckIn.objects.owned_by(user)
    tokens = query_tokens(user.pk, query)
    if not tokens:
        return checkins.none()
    # The tokens are keyed by user, and the check-ins are the user's own.
    sql, params = matching_sql(tokens)
    return checkins.filter(user=user, pk__in=RawSQL(sql, params))  # noqa: S611
