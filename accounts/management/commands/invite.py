"""`manage.py invite EMAIL`: an invitation to sign up (ATTUNE_SIGNUP=invite)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from accounts import invitations
from accounts.signup import INVITE, mode


class Command(BaseCommand):
    help = "Invite someone to sign up: prints the link, or emails it with --send."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--send", action="store_true", help="email the link to them")
        parser.add_argument("--days", type=int, default=None, help="days until it expires")

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” doesn't look like an email address.") from None
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        invitation, token = invitations.create_invitation(email, days=days)
        url = invitations.invite_url(token)
        if options["send"]:
            try:
                invitations.send_invitation(invitation, token)
            except OSError as error:
                raise CommandError(
                    f"The email could not be sent ({error}). The link is {url}"
                ) from None
            self.stdout.write(f"Invitation emailed to {email}.")
        self.stdout.write(url)
        self.stdout.write(f"It works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.")
        if mode() != INVITE:
            self.stderr.write(
                f"Note: ATTUNE_SIGNUP is “{mode()}”, so the link is only needed once it is "
                "“invite”."
            )
