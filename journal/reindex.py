"""Rebuild the blind search index (journal/search.py) from the encrypted notes.

Needed after ATTUNE_SEARCH_KEY changes, or to repair the index. Works in
batches, one short transaction each, so it can run while Attune is in use.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from journal.crypto import UNREADABLE_NOTE
from journal.models import CheckIn
from journal.search import index_notes


def rebuild_search_index(
    user: User | None = None,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-index every check-in (of one user, or everyone); return how many."""
    checkins = CheckIn.objects.all() if user is None else CheckIn.objects.filter(user=user)
    total = checkins.count()
    done = 0
    after_pk = 0
    while True:
        batch = list(
            checkins.filter(pk__gt=after_pk)
            .order_by("pk")
            .only("pk", "uuid", "user_id", "note_ciphertext", "note_key_id")[:batch_size]
        )
        if not batch:
            break
        notes = []
        for checkin in batch:
            text = checkin.note
            # An empty or unreadable note gets no index row (any old one goes).
            readable = text if text != UNREADABLE_NOTE else ""
            notes.append((checkin.user_id, checkin.pk, readable))
        with transaction.atomic():
            index_notes(notes)
        done += len(batch)
        after_pk = batch[-1].pk
        if progress:
            progress(done, total)
    return done
