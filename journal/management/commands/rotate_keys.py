from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journal.crypto import keyring
from journal.key_rotation import RotationResult, notes_to_rotate, rotate_note_keys


def notes(count: int) -> str:
    return f"{count} note" if count == 1 else f"{count} notes"


class Command(BaseCommand):
    help = (
        "Re-encrypt every journal note under the current key (the first one in "
        "ATTUNE_NOTE_KEYS). Safe to run while Attune is running, and to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        current = keyring().current_id
        waiting = notes_to_rotate()
        if not waiting:
            self.stdout.write(f"Every note is already under key {current!r}. Nothing to do.")
            return
        self.stdout.write(f"Re-encrypting {notes(waiting)} under key {current!r}…")

        def progress(result: RotationResult, total: int) -> None:
            self.stdout.write(f"  {result.rotated} of {notes(total)} re-encrypted")

        result = rotate_note_keys(batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(f"Done: {notes(result.rotated)} re-encrypted under key {current!r}.")
        if result.unreadable:
            raise CommandError(
                f"{notes(result.unreadable)} could not be decrypted with any configured key and "
                "were left as they are. Keep the old keys in ATTUNE_NOTE_KEYS until this is "
                "resolved."
            )
        if result.remaining:
            raise CommandError(
                f"{notes(result.remaining)} were busy (being edited) and still use an older key. "
                "Run rotate_keys again."
            )
        self.stdout.write("Older keys can now be removed from ATTUNE_NOTE_KEYS.")
