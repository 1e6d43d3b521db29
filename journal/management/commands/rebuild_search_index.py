from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from journal.reindex import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Rebuild the note search index from the encrypted notes (after changing "
        "ATTUNE_SEARCH_KEY, or to repair it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="only this user's notes (email)")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, user: str | None, batch_size: int, **options: Any) -> None:
        owner = None
        if user:
            owner = User.objects.filter(email__iexact=user.strip()).first()
            if owner is None:
                raise CommandError(f"No account with the email {user!r}.")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done} of {total} check-ins indexed")

        done = rebuild_search_index(owner, batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(f"Done: the search index covers {done} check-ins.")
