from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from journal.archive import export_json


class Command(BaseCommand):
    help = "Write one person's full Attune archive (JSON, see docs/export-format.md) to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the account's email")

    def handle(self, *args: Any, user: str, **options: Any) -> None:
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"No account with the email {user!r}.")
        for chunk in export_json(owner):
            self.stdout.write(chunk, ending="")
        self.stdout.flush()
