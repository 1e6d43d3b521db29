from __future__ import annotations

import datetime as dt
import io

import pytest

from accounts.models import User
from journal.imports.csvfile import NotACsvFile, read_layout
from journal.imports.daylio import custom_moods, daylio_mapping, import_daylio, is_daylio
from journal.imports.mapped_csv import Placement
from journal.models import CheckIn, Tag
from journal.search import search_notes
from tests.journal.import_files import DAYLIO_ROWS, daylio_csv

CUSTOM = {"super tired": Placement(-2, -3), "keyed up": Placement(-2, 3)}


def run(user: User, data: bytes, moods: dict[str, Placement] | None = None):  # type: ignore[no-untyped-def]
    binary = io.BytesIO(data)
    layout = read_layout(binary, "daylio_export.csv")
    mapping = daylio_mapping(layout.header, CUSTOM if moods is None else moods, "Europe/Berlin")
    return import_daylio(user, binary, mapping, file_name="daylio_export.csv")


def by_note(user: User, words: str) -> CheckIn:
    return search_notes(user, words).get()


def test_it_recognises_a_daylio_export_with_bom_and_crlf() -> None:
    layout = read_layout(io.BytesIO(daylio_csv()))
    assert layout.encoding == "utf-8-sig"
    assert layout.delimiter == ","
    assert layout.header[0] == "full_date"
    assert is_daylio(layout.header)


def test_it_finds_the_custom_mood_names_to_place(alice: User) -> None:
    binary = io.BytesIO(daylio_csv())
    names = dict(custom_moods(binary, read_layout(binary)))
    assert names == {"super tired": 1, "Keyed up": 1}


def test_it_imports_each_row_as_a_check_in_on_its_local_date(alice: User) -> None:
    result = run(alice, daylio_csv())

    assert result.imported == 6
    assert result.duplicates == 0
    assert result.skipped == {"date not understood": 1}
    assert result.bad_rows == [{"line": 7, "reason": "date not understood", "detail": "2026-02-30"}]
    checkins = CheckIn.objects.owned_by(alice)
    assert checkins.count() == 6
    assert set(checkins.values_list("source", flat=True)) == {"daylio"}
    assert set(checkins.values_list("time_zone", flat=True)) == {"Europe/Berlin"}

    late = checkins.get(local_date=dt.date(2026, 3, 28))
    # 23:30 in Berlin (CET, +1) is 22:30 UTC on the same local date.
    assert late.felt_at == dt.datetime(2026, 3, 28, 22, 30, tzinfo=dt.UTC)
    assert (late.pleasantness, late.energy, late.energy_estimated) == (-2, -3, False)
    assert late.note == (
        'Long day at the harbour.\nSecond line, with a comma.\nThird line: "quoted" words.'
    )
    assert late.tags.count() == 0

    pm = checkins.get(local_date=dt.date(2026, 3, 27))
    assert pm.felt_at == dt.datetime(2026, 3, 27, 21, 15, tzinfo=dt.UTC)
    assert (pm.pleasantness, pm.energy, pm.energy_estimated) == (2, 1, True)
    assert pm.note == ""
    assert sorted(pm.tags.values_list("name", flat=True)) == ["exercise", "work"]

    awful = checkins.get(local_date=dt.date(2025, 12, 24))
    assert (awful.pleasantness, awful.energy_estimated) == (-4, True)
    assert awful.note == "A hard evening"


def test_it_handles_the_dst_changes_in_berlin(alice: User) -> None:
    run(alice, daylio_csv())
    checkins = CheckIn.objects.owned_by(alice)

    # 02:30 on 29 March 2026 never happened in Berlin: it moves forward to 03:30 CEST.
    spring = checkins.get(local_date=dt.date(2026, 3, 29))
    assert spring.felt_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert spring.felt_at.astimezone(alice.zone).strftime("%H:%M %Z") == "03:30 CEST"

    # 02:30 on 26 October 2025 happened twice: the first one (still CEST) is taken.
    autumn = checkins.get(local_date=dt.date(2025, 10, 26))
    assert autumn.felt_at == dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)


def test_it_turns_activities_into_the_users_tags(alice: User) -> None:
    existing = Tag.objects.get(user=alice, name="time with friends")
    run(alice, daylio_csv())

    spring = CheckIn.objects.owned_by(alice).get(local_date=dt.date(2026, 3, 29))
    assert set(spring.tags.all()) == {existing, Tag.objects.get(user=alice, name="Music")}
    # "Sang" matches the default tag "sang" whatever the case: no duplicate tag.
    assert Tag.objects.filter(user=alice, name__iexact="sang").count() == 1
    assert Tag.objects.filter(user=alice, name="work").count() == 1


def test_it_makes_notes_searchable(alice: User) -> None:
    run(alice, daylio_csv())
    assert by_note(alice, "harbour").local_date == dt.date(2026, 3, 28)
    assert by_note(alice, "spring danced").local_date == dt.date(2026, 3, 29)
    assert by_note(alice, "interview").local_date == dt.date(2026, 1, 5)


def test_it_adds_nothing_when_the_same_file_comes_again(alice: User) -> None:
    run(alice, daylio_csv())
    # The same export again, even saved with LF line endings and no BOM.
    again = run(alice, daylio_csv(bom=False, crlf=False))

    assert again.imported == 0
    assert again.duplicates == 6
    assert CheckIn.objects.owned_by(alice).count() == 6


def test_it_imports_only_the_new_rows_of_a_later_export(alice: User) -> None:
    run(alice, daylio_csv())
    newer = [
        "2026-04-02,April 2,Thursday,07:00,good,,,New morning",
        *DAYLIO_ROWS,
    ]
    result = run(alice, daylio_csv(newer))
    assert (result.imported, result.duplicates) == (1, 6)


def test_it_skips_rows_whose_custom_mood_was_not_placed(alice: User) -> None:
    result = run(alice, daylio_csv(), moods={})
    assert result.imported == 4
    assert result.skipped["mood not placed on the grid"] == 2
    assert {
        "line": 3,
        "reason": "mood not placed on the grid",
        "detail": "super tired",
    } in result.bad_rows


def test_it_keeps_other_users_apart(alice: User, bob: User) -> None:
    run(alice, daylio_csv())
    result = run(bob, daylio_csv())
    assert result.imported == 6
    assert CheckIn.objects.owned_by(bob).count() == 6
    assert search_notes(bob, "harbour").get().user == bob


def test_it_shortens_a_note_over_the_import_limit_and_says_so(
    alice: User, settings: object
) -> None:
    settings.ATTUNE_IMPORT_NOTE_MAX_CHARS = 50  # type: ignore[attr-defined]
    row = "2026-03-01,March 1,Sunday,10:00,good,,," + "x" * 80
    result = run(alice, daylio_csv([row]))
    assert result.imported == 1
    assert result.bad_rows == [
        {
            "line": 2,
            "reason": "the note was 80 characters long; its first 50 were kept",
            "detail": "",
            "warning": True,
        }
    ]
    assert CheckIn.objects.get(user=alice).note == "x" * 50


def test_it_keeps_a_note_longer_than_the_check_in_form_allows(
    alice: User, settings: object
) -> None:
    settings.ATTUNE_NOTE_MAX_CHARS = 20  # type: ignore[attr-defined]
    row = "2026-03-01,March 1,Sunday,10:00,good,,Title,A note of more than twenty characters"
    run(alice, daylio_csv([row]))
    assert CheckIn.objects.get(user=alice).note == (
        "Title\n\nA note of more than twenty characters"
    )


def test_it_refuses_a_file_that_is_not_a_csv() -> None:
    with pytest.raises(NotACsvFile, match="zip archive"):
        read_layout(io.BytesIO(b"PK\x03\x04\x14\x00\x00\x00binary"))
    with pytest.raises(NotACsvFile, match="Daylio backup"):
        read_layout(io.BytesIO(b"anything"), "backup_2026.daylio")
    with pytest.raises(NotACsvFile, match="doesn't look like a table"):
        read_layout(io.BytesIO(b"Dear diary, today was fine.\nTomorrow too.\n".replace(b",", b"")))
    with pytest.raises(NotACsvFile, match="empty"):
        read_layout(io.BytesIO(b""))


def test_it_reads_a_windows_1252_file(alice: User) -> None:
    row = "2026-03-01,March 1,Sunday,10:00,good,Café,,Crème brûlée"
    data = daylio_csv([row], bom=False).decode().encode("cp1252")
    run(alice, data)
    checkin = CheckIn.objects.get(user=alice)
    assert checkin.note == "Crème brûlée"
    assert checkin.tags.get().name == "Café"


def test_it_skips_future_and_ancient_dates(alice: User) -> None:
    rows = [
        "2999-01-01,January 1,Tuesday,10:00,good,,,far future",
        "1066-10-14,October 14,Saturday,10:00,bad,,,long ago",
        "2026-03-01,March 1,Sunday,25:00,good,,,bad time",
    ]
    result = run(alice, daylio_csv(rows))
    assert result.imported == 0
    assert result.skipped == {
        "date in the future": 1,
        "date out of range": 1,
        "time not understood": 1,
    }


def test_it_stores_text_with_nul_and_broken_bytes_safely(alice: User) -> None:
    rows = [
        "2026-03-01,March 1,Sunday,10:00,good,wo\x00rk,,ok\x00ay",
        "2026-03-02,March 2,Monday,10:00,good,Café,,broken @@ here",
    ]
    # Bytes that are not valid UTF-8 (an encoded lone surrogate) in a UTF-8 file.
    data = daylio_csv(rows).replace(b"@@", b"\xed\xa0\x80")
    result = run(alice, data)
    assert result.imported == 2
    first, second = CheckIn.objects.filter(user=alice).order_by("felt_at")
    assert first.note == "okay"
    assert first.tags.get().name == "work"
    assert second.tags.get().name == "Café"
    assert second.note.startswith("broken ") and second.note.endswith(" here")
    assert "\udcff" not in second.note


def test_it_reads_a_utf16_file_as_spreadsheets_save_it(alice: User) -> None:
    row = "2026-03-01,March 1,Sunday,10:00,good,Café,,Crème brûlée"
    data = daylio_csv([row], bom=False).decode().encode("utf-16")
    assert data[:2] == b"\xff\xfe"
    result = run(alice, data)
    assert result.imported == 1
    assert CheckIn.objects.get(user=alice).note == "Crème brûlée"
