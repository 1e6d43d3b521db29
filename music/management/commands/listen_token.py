"""Print a user's listening-API token (made if they have none) as the last
line, for operators and scripts:

    manage.py listen_token --user EMAIL [--new]
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from music.listening.tokens import replace_key, token_for


class Command(BaseCommand):
    help = "Print a user's listening-API (ListenBrainz-compatible) token as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the user's email address")
        parser.add_argument(
            "--new", action="store_true", help="replace the token (the old one stops working)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["user"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        token = replace_key(user) if options["new"] else token_for(user)
        self.stdout.write(f"User name: {token.user_name}")
        self.stdout.write(f"API root: {settings.SITE_URL}/1/")
        self.stdout.write(token.key)
