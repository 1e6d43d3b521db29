from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from journal.models import CheckIn
from journal.search import search_notes
from tests.journal.import_files import OTHER_APP_CSV, daylio_csv


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_journal", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def daylio_file(tmp_path: Path) -> Path:
    path = tmp_path / "daylio_export.csv"
    path.write_bytes(daylio_csv())
    return path


def test_it_imports_a_daylio_export_with_custom_moods(alice: User, daylio_file: Path) -> None:
    out = run(
        "--user",
        "ALICE@example.com",
        str(daylio_file),
        "--mood-map",
        "super tired=-2,-3",
        "--mood-map",
        "Keyed up=-2,3",
    )
    assert f"{daylio_file}: 6 check-ins imported, 1 row skipped." in out
    assert "line 7 (skipped): date not understood: 2026-02-30" in out
    assert CheckIn.objects.owned_by(alice).filter(source="daylio").count() == 6
    spring = CheckIn.objects.get(user=alice, local_date=dt.date(2026, 3, 29))
    assert spring.felt_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)

    again = run(
        "--user",
        "alice@example.com",
        str(daylio_file),
        "--mood-map",
        "super tired=-2,-3",
        "--mood-map",
        "Keyed up=-2,3",
    )
    assert "0 check-ins imported, 6 already there" in again
    assert CheckIn.objects.owned_by(alice).count() == 6


def test_it_names_the_moods_that_still_need_a_place(alice: User, daylio_file: Path) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "import_journal",
            "--user",
            "alice@example.com",
            str(daylio_file),
            "--mood-map",
            "super tired=-2,-3",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "place these moods on the grid first: 'Keyed up'" in err.getvalue()
    assert '--mood-map "Keyed up=2,1"' in err.getvalue()
    assert not CheckIn.objects.exists()


def test_it_imports_another_apps_csv_through_column_options(alice: User, tmp_path: Path) -> None:
    path = tmp_path / "moodnotes.csv"
    path.write_bytes(OTHER_APP_CSV)
    out = run(
        "--user",
        "alice@example.com",
        str(path),
        "--format",
        "csv",
        "--date-column",
        "Date",
        "--time-column",
        "Time",
        "--mood-column",
        "Feeling",
        "--tags-column",
        "Tags",
        "--note-column",
        "Entry",
        "--date-order",
        "dmy",
        "--mood-map",
        "5=4,2",
        "--time-zone",
        "America/New_York",
    )
    assert "Placing '2' at -4,0" in out  # the rest of the 2–5 scale, guessed and said
    assert "3 check-ins imported, 2 rows skipped." in out
    picnic = search_notes(alice, "picnic").get()
    assert (picnic.pleasantness, picnic.energy, picnic.source) == (4, 2, "csv")
    assert picnic.time_zone == "America/New_York"
    assert picnic.felt_at == dt.datetime(2026, 3, 29, 18, 5, tzinfo=dt.UTC)


def test_it_explains_what_a_csv_from_another_app_needs(alice: User, tmp_path: Path) -> None:
    path = tmp_path / "moodnotes.csv"
    path.write_bytes(OTHER_APP_CSV)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_journal",
            "--user",
            "alice@example.com",
            str(path),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "give --date-column and --mood-column" in err.getvalue()
    assert "Date, Time, Feeling, Tags, Entry" in err.getvalue()


def test_it_refuses_an_unknown_user_and_a_bad_mood_map(daylio_file: Path, db: None) -> None:
    with pytest.raises(CommandError, match="No account"):
        run("--user", "nobody@example.com", str(daylio_file))
    User.objects.create_user("carol@example.com", "x")
    with pytest.raises(CommandError, match="from -4 to 4"):
        run("--user", "carol@example.com", str(daylio_file), "--mood-map", "odd=9,0")
