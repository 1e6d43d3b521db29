"""`make bench` / `make bench-smoke`: measure Attune against QUALITY.md 14-18.

Every figure is printed beside its target and, where the target is a ratio, the
baseline measured in the same run on the same machine. The smoke size runs
every benchmark small (CI runs it so the benchmarks never rot); the full size
is the one the targets are stated for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One database per checkout, so two checkouts can benchmark side by side.
BENCH_DB = os.environ.get(
    "ATTUNE_BENCH_DB",
    "attune_bench_" + hashlib.sha1(str(ROOT).encode()).hexdigest()[:8],  # noqa: S324
)


@dataclass
class Row:
    name: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    note: str = ""


@dataclass
class Sizes:
    history_days: int
    reflection_users: int
    spotify_plays: int
    library_tracks: int
    load_seconds: int
    samples: int


FULL = Sizes(
    history_days=3 * 365,
    reflection_users=100_000,
    spotify_plays=100_000,
    library_tracks=20_000,
    load_seconds=10,
    samples=50,
)
SMOKE = Sizes(
    history_days=60,
    reflection_users=300,
    spotify_plays=3_000,
    library_tracks=2_000,
    load_seconds=2,
    samples=8,
)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, *args: object, **kwargs: object) -> None:
        self.rows.append(Row(*args, **kwargs))  # type: ignore[arg-type]
        row = self.rows[-1]
        print(f"  {row.name}: {fmt(row.value)} {row.unit} ({status(row.met)})", flush=True)

    def table(self) -> str:
        header = f"{'benchmark':<52} {'measured':>12} {'unit':<8} {'target':<34} status"
        lines = [header, "-" * len(header)]
        for row in self.rows:
            lines.append(
                f"{row.name:<52} {fmt(row.value):>12} {row.unit:<8} {row.target:<34} "
                f"{status(row.met)}" + (f"  ({row.note})" if row.note else "")
            )
        return "\n".join(lines)


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def status(met: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: "info"}[met]


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def fresh_database(template: str = "template0") -> None:
    psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{template}"')


# `--sqlite`: the read sections on the embedded default (SQLite, no Redis).
SQLITE_FILE = Path(tempfile.gettempdir()) / f"{BENCH_DB}.sqlite3"
SQLITE_SECTIONS = ("search", "history", "reads")


def setup_django(migrate: bool = True) -> None:
    if os.environ.get("ATTUNE_BENCH_SQLITE"):
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def run_section(name: str, smoke: bool, rows_file: str) -> None:
    """Child mode: one section against the database prepared for it."""
    setup_django(migrate=False)
    from bench import sections

    report = Report()
    sections.SECTIONS[name](report, SMOKE if smoke else FULL, smoke=smoke)
    Path(rows_file).write_text(json.dumps([asdict(row) for row in report.rows]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument("--only", nargs="*", help="run only these sections")
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help=f"on the embedded SQLite default, without Redis ({', '.join(SQLITE_SECTIONS)})",
    )
    parser.add_argument("--section", help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.section:
        run_section(args.section, args.smoke, args.rows)
        return 0
    where = "SQLite, embedded default" if args.sqlite else "PostgreSQL"
    size = "smoke" if args.smoke else "full"
    print(f"Attune benchmarks ({size} size, {where}) on {os.cpu_count()} cores")
    if args.sqlite:
        return sqlite_main(args.only or list(SQLITE_SECTIONS), args.smoke, parser)
    # Migrate once into a template; every section then starts from a copy of
    # it in a fresh process, so no section measures what an earlier one left
    # behind (millions of rows in the tables and their indexes, autovacuum
    # catching up, a Python heap of earlier objects that every garbage
    # collection walks).
    fresh_database()
    setup_django()
    from django.db import connections

    from bench import sections

    unknown = set(args.only or ()) - set(sections.SECTIONS)
    if unknown:
        known = ", ".join(sections.SECTIONS)
        parser.error(f"no section {', '.join(sorted(unknown))}; the sections: {known}")
    connections.close_all()
    template = f"{BENCH_DB}_template"
    psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    psql(f'ALTER DATABASE "{BENCH_DB}" RENAME TO "{template}"')
    report = Report()
    started = time.monotonic()
    for name in sections.SECTIONS:
        if args.only and name not in args.only:
            continue
        print(f"[{name}]", flush=True)
        t0 = time.monotonic()
        fresh_database(template)
        with tempfile.NamedTemporaryFile(suffix=".json") as rows:
            command = [sys.executable, "-m", "bench.run", "--section", name, "--rows", rows.name]
            subprocess.run(command + (["--smoke"] if args.smoke else []), check=True)
            report.rows += [Row(**row) for row in json.loads(Path(rows.name).read_text())]
        print(f"  ({time.monotonic() - t0:.1f}s)", flush=True)
    psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    print()
    print(report.table())
    print(f"\nTotal {time.monotonic() - started:.0f}s")
    if args.smoke:
        # In CI the benchmarks must run, not reach full-size targets on a busy box.
        failed = [
            row for row in report.rows if row.met is False and row.name.startswith("correctness")
        ]
        return 1 if failed else 0
    return 0


def sqlite_main(only: list[str], smoke: bool, parser: argparse.ArgumentParser) -> int:
    """The read sections on SQLite: each on a fresh copy of a migrated file."""
    import shutil

    unknown = set(only) - set(SQLITE_SECTIONS)
    if unknown:
        parser.error(f"--sqlite runs only {', '.join(SQLITE_SECTIONS)}")
    template = SQLITE_FILE.with_suffix(".template")
    for path in (SQLITE_FILE, template):
        path.unlink(missing_ok=True)
    os.environ["ATTUNE_BENCH_SQLITE"] = str(SQLITE_FILE)
    setup_django()
    from django.db import connections

    connections.close_all()  # the last connection folds the WAL into the file
    shutil.copyfile(SQLITE_FILE, template)
    report = Report()
    started = time.monotonic()
    for name in SQLITE_SECTIONS:
        if name not in only:
            continue
        print(f"[{name}]", flush=True)
        t0 = time.monotonic()
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, SQLITE_FILE)
        with tempfile.NamedTemporaryFile(suffix=".json") as rows:
            command = [sys.executable, "-m", "bench.run", "--section", name, "--rows", rows.name]
            subprocess.run(command + (["--smoke"] if smoke else []), check=True)
            report.rows += [Row(**row) for row in json.loads(Path(rows.name).read_text())]
        print(f"  ({time.monotonic() - t0:.1f}s)", flush=True)
    for path in (SQLITE_FILE, template):
        path.unlink(missing_ok=True)
    print()
    print(report.table())
    print(f"\nTotal {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
