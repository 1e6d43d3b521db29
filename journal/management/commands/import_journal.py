"""Import mood journals (Daylio CSV, or any CSV with a column mapping) for one user.

    manage.py import_journal --user EMAIL daylio_export.csv
    manage.py import_journal --user EMAIL moods.csv --format csv \\
        --date-column Date --time-column Time --mood-column Feeling \\
        --tags-column Tags --note-column Entry --mood-map "5=4,1" --mood-map "1=-4,-2"

Runs in this process (no worker), streaming, with the same rules as /import/:
re-running adds nothing.
"""

from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from imports.report import ImportReport
from journal.imports.csvfile import CsvLayout, NotACsvFile, read_layout
from journal.imports.daylio import custom_moods, daylio_mapping, is_daylio
from journal.imports.jobs import import_file
from journal.imports.mapped_csv import (
    DATE_ORDERS,
    TAG_SEPARATORS,
    Mapping,
    MappingError,
    Placement,
    mood_key,
    mood_values,
    suggest_placements,
)
from journal.imports.result import summary_sentence
from journal.models import CheckIn
from mood.values import MOOD_MAX, MOOD_MIN

_MOOD_MAP = re.compile(r"^(?P<name>.+)=(?P<p>[+-]?\d+),(?P<e>[+-]?\d+)$")


def parse_mood_map(values: list[str]) -> dict[str, Placement]:
    placed = {}
    for value in values:
        match = _MOOD_MAP.match(value.strip())
        if not match:
            raise CommandError(f"--mood-map {value!r}: write it as NAME=PLEASANTNESS,ENERGY.")
        p, e = int(match["p"]), int(match["e"])
        if not (MOOD_MIN <= p <= MOOD_MAX and MOOD_MIN <= e <= MOOD_MAX):
            raise CommandError(f"--mood-map {value!r}: both numbers go from -4 to 4.")
        placed[mood_key(match["name"])] = Placement(p, e, False)
    return placed


class Command(BaseCommand):
    help = "Import Daylio CSV exports or other mood-journal CSVs for one user."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True, help="The account's email address.")
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=["auto", "daylio", "csv"], default="auto")
        parser.add_argument(
            "--time-zone", help="Zone the entries were written in (default: the user's)."
        )
        parser.add_argument("--date-column", default="")
        parser.add_argument("--time-column", default="")
        parser.add_argument("--mood-column", default="")
        parser.add_argument("--tags-column", default="")
        parser.add_argument(
            "--note-column", action="append", default=[], help="Repeat for title and body."
        )
        parser.add_argument("--date-order", choices=list(DATE_ORDERS), default="auto")
        parser.add_argument("--tags-separator", choices=list(TAG_SEPARATORS), default="auto")
        parser.add_argument(
            "--mood-map",
            action="append",
            default=[],
            metavar="NAME=P,E",
            help="Place a mood name on the grid (pleasantness,energy from -4 to 4). Repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No account with the email {options['user']!r}.")
        placed = parse_mood_map(options["mood_map"])
        failures = 0
        for path in options["paths"]:
            try:
                mapping = self.mapping_for(user, path, placed, options)
                result = import_file(user, path, mapping)
            except (OSError, NotACsvFile, MappingError) as problem:
                failures += 1
                self.stderr.write(f"{path}: {problem}")
                continue
            self.report(path, result)
        if failures:
            raise CommandError(f"{failures} file(s) could not be imported.")

    def mapping_for(
        self, user: User, path: str, placed: dict[str, Placement], options: dict[str, Any]
    ) -> Mapping:
        time_zone = options["time_zone"] or user.zone.key
        with open(path, "rb") as binary:
            layout = read_layout(binary, path)
            daylio = is_daylio(layout.header) and options["format"] != "csv"
            if options["format"] == "daylio" and not daylio:
                raise NotACsvFile("this is not a Daylio CSV export (no full_date/mood columns).")
            if daylio and not options["date_column"]:
                self.require_placed(
                    [label for label, _ in custom_moods(binary, layout)], placed, {}
                )
                return daylio_mapping(layout.header, placed, time_zone)
            return self.csv_mapping(user, binary, layout, placed, time_zone, options)

    def csv_mapping(
        self,
        user: User,
        binary: Any,
        layout: CsvLayout,
        placed: dict[str, Placement],
        time_zone: str,
        options: dict[str, Any],
    ) -> Mapping:
        if not options["date_column"] or not options["mood_column"]:
            raise MappingError(
                "for a CSV from another app, give --date-column and --mood-column "
                f"(its columns are: {', '.join(layout.header)})."
            )
        mapping = Mapping(
            date_column=options["date_column"],
            time_column=options["time_column"],
            mood_column=options["mood_column"],
            tags_column=options["tags_column"],
            note_columns=options["note_column"],
            date_order=options["date_order"],
            tags_separator=options["tags_separator"],
            time_zone=time_zone,
            source=CheckIn.Source.CSV,
        )
        mapping.check(layout.header)
        labels = [label for label, _ in mood_values(binary, layout, mapping.mood_column)]
        guesses = suggest_placements(user, labels)
        mapping.moods = self.require_placed(labels, placed, guesses)
        return mapping

    def require_placed(
        self,
        labels: list[str],
        placed: dict[str, Placement],
        guesses: dict[str, Placement | None],
    ) -> dict[str, Placement]:
        moods = dict(placed)
        missing = []
        for label in labels:
            key = mood_key(label)
            if key in moods:
                continue
            guess = guesses.get(label)
            if guess is None:
                missing.append(label)
                continue
            moods[key] = guess
            self.stdout.write(
                f"Placing {label!r} at {guess.pleasantness},{guess.energy} "
                "(use --mood-map to choose otherwise)."
            )
        if missing:
            names = ", ".join(repr(label) for label in missing)
            example = missing[0]
            raise MappingError(
                f"place these moods on the grid first: {names}. For example: "
                f'--mood-map "{example}=2,1" (pleasantness,energy from -4 to 4).'
            )
        return moods

    def report(self, path: str, result: ImportReport) -> None:
        self.stdout.write(f"{path}: {summary_sentence(result)}")
        for reason, count in result.skipped.most_common():
            self.stdout.write(f"  skipped, {reason}: {count}")
        for row in result.bad_rows:
            kind = "note" if row.get("warning") else "skipped"
            detail = f": {row['detail']}" if row.get("detail") else ""
            self.stdout.write(f"  line {row['line']} ({kind}): {row['reason']}{detail}")
