"""Re-encrypt notes under the current key, safely while Attune keeps running.

Rows are taken in small batches with `SELECT ... FOR UPDATE SKIP LOCKED`, so a
check-in someone is editing right now is simply left for a later pass, and each
row is written with a conditional UPDATE (only if it still holds the
ciphertext we read), so an edit that lands in between is never overwritten.
Running it again is harmless: rows already under the current key are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from journal.crypto import NoteKeyError, associated_data, decrypt_text, encrypt_text, keyring
from journal.models import CheckIn

MAX_PASSES = 5


@dataclass
class RotationResult:
    rotated: int = 0
    unreadable: int = 0
    remaining: int = 0


def notes_to_rotate() -> int:
    current = keyring().current_id
    return (
        CheckIn.objects.filter(note_ciphertext__isnull=False).exclude(note_key_id=current).count()
    )


def _rotate_batch(after_pk: int, batch_size: int, result: RotationResult) -> int | None:
    """Re-encrypt one batch of rows with pk > after_pk; return the last pk seen."""
    ring = keyring()
    with transaction.atomic():
        rows = list(
            CheckIn.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__gt=after_pk, note_ciphertext__isnull=False)
            .exclude(note_key_id=ring.current_id)
            .order_by("pk")
            .only("pk", "uuid", "user_id", "note_ciphertext", "note_key_id")[:batch_size]
        )
        if not rows:
            return None
        for row in rows:
            old_blob = bytes(row.note_ciphertext or b"")
            aad = associated_data(row)
            try:
                text = decrypt_text(old_blob, row.note_key_id, aad, ring)
            except NoteKeyError:
                result.unreadable += 1
                continue
            blob, key_id = encrypt_text(text, aad, ring)
            result.rotated += CheckIn.objects.filter(
                pk=row.pk, note_key_id=row.note_key_id, note_ciphertext=old_blob
            ).update(note_ciphertext=blob, note_key_id=key_id)
        return rows[-1].pk


def rotate_note_keys(
    batch_size: int = 500, progress: Callable[[RotationResult, int], None] | None = None
) -> RotationResult:
    """Re-encrypt every note that is not under the current key."""
    result = RotationResult()
    for attempt in range(MAX_PASSES):
        if attempt:
            time.sleep(0.2 * attempt)  # rows skipped as locked: give their writers a moment
        result.unreadable = 0
        total = notes_to_rotate()
        after_pk = 0
        while (last := _rotate_batch(after_pk, batch_size, result)) is not None:
            after_pk = last
            if progress:
                progress(result, total)
        result.remaining = notes_to_rotate() - result.unreadable
        if result.remaining <= 0:
            break
    result.remaining = max(0, result.remaining)
    return result
