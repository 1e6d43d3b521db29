"""Import listening history or playlists from files on disk, synchronously,
with the same importers as the web upload (good for very large exports).

    manage.py import_music --user EMAIL [--kind KIND] PATH...
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from imports.jobs import SNIFF_BYTES, create_job_from_path, run_job
from imports.registry import kinds_for as importers_for

GUESS_ORDER = ("apple_music", "spotify", "listenbrainz", "playlist", "lastfm")


def guess_kind(path: Path) -> str | None:
    """The importer whose format check accepts this file."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(path).namelist()
        except zipfile.BadZipFile:
            return None
        if any("/listens/" in f"/{name}" for name in names):
            return "listenbrainz"
        return "spotify"
    available = {importer.kind: importer for importer in importers_for("music")}
    for kind in GUESS_ORDER:
        importer = available.get(kind)
        if importer and importer.sniff and importer.sniff(head, path.name) is None:
            return kind
    return None


class Command(BaseCommand):
    help = "Import music history or playlist files for a user (runs here, not on a worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The account's email address.")
        parser.add_argument(
            "--kind",
            choices=[importer.kind for importer in importers_for("music")],
            help="The kind of file; guessed from each file when left out.",
        )
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No account with the email {options['user']}.") from None
        failures = 0
        for path in options["paths"]:
            if not path.is_file():
                self.stderr.write(f"{path}: not a file")
                failures += 1
                continue
            kind = options["kind"] or guess_kind(path)
            if kind is None:
                self.stderr.write(f"{path}: can't tell what kind of file this is; use --kind")
                failures += 1
                continue
            job = run_job(create_job_from_path(user, kind, path).pk)
            if job is None:  # pragma: no cover - a fresh job is always claimable
                continue
            if job.status == job.Status.FAILED:
                self.stderr.write(f"{path} ({kind}): {job.message}")
                failures += 1
                continue
            self.stdout.write(f"{path} ({kind}): {job.message}")
            for row in job.bad_rows:
                line = f"line {row['line']}: " if row.get("line") else ""
                detail = f" ({row['detail']})" if row.get("detail") else ""
                self.stdout.write(f"  {line}{row['reason']}{detail}")
        if failures:
            raise CommandError(f"{failures} file(s) could not be imported.")
