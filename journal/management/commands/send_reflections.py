"""`send_reflections [--now ISO-DATETIME] [--dry-run]`: run the weekly dispatcher once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from journal.models import WeeklyReflection
from journal.reflections.schedule import dispatch


def parse_now(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--now {value!r} is not an ISO date-time, e.g. 2026-11-23T08:30:00+00:00"
        ) from exc
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)  # a bare time is read as UTC
    return parsed


class Command(BaseCommand):
    help = (
        "Run the weekly reflection dispatcher once: create the reflections that are due "
        "and hand them to the workers. Lists reflections that failed for good. "
        "(Reminders are the reminders app's: its beat task reminders.dispatch.)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=parse_now,
            default=None,
            help="Pretend it is this instant (ISO 8601; UTC if no offset is given).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only print who would get what.")

    def handle(self, *args: Any, now: dt.datetime | None, dry_run: bool, **options: Any) -> None:
        result = dispatch(now, dry_run=dry_run)
        if dry_run:
            for email, week in result.would_reflect:
                self.stdout.write(f"reflection  {email}  week of {week:%Y-%m-%d}")
            self.stdout.write(
                f"Dry run: {len(result.would_reflect)} reflection(s) would be sent. "
                "Nothing was changed."
            )
            return
        self.stdout.write(
            f"{result.due} user(s) due; {len(result.queued)} reflection(s) handed to the workers."
        )
        failed = WeeklyReflection.objects.filter(status=WeeklyReflection.Status.FAILED)
        failed = failed.select_related("user").order_by("-week_start", "pk")[:50]
        for reflection in failed:
            self.stdout.write(
                self.style.WARNING(
                    f"FAILED  #{reflection.pk}  {reflection.user.email}  week of "
                    f"{reflection.week_start:%Y-%m-%d}  after {reflection.attempts} attempt(s): "
                    f"{reflection.last_error}"
                )
            )
