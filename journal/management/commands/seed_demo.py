"""Create the demo account with months of realistic check-ins and music."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.onboarding import welcome
from journal.demo import seed_journal
from music.demo import finish_music, seed_music

DEMO_EMAIL = "demo@attune.local"
DEMO_PASSWORD = "attune-demo"  # noqa: S105 - a published demo login, for the local demo only


class Command(BaseCommand):
    help = "Create (once) a demo account with about three months of check-ins and music."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=92)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--reset", action="store_true", help="Delete and recreate the demo user."
        )

    def handle(self, *args: Any, days: int, seed: int, reset: bool, **options: Any) -> None:
        if reset:
            User.objects.filter(email=DEMO_EMAIL).delete()
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            with transaction.atomic():
                user = User.objects.create_user(
                    DEMO_EMAIL, DEMO_PASSWORD, display_name="Robin", time_zone="Europe/London"
                )
                welcome(user)
                rng = random.Random(seed)
                tracks = seed_music(user, rng, days=days)
                seed_journal(user, rng, days=days, tracks=tracks)
                finish_music(user, tracks)
            self.stdout.write("Created the demo account.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo login: {DEMO_EMAIL} / password: {DEMO_PASSWORD}")
        )
