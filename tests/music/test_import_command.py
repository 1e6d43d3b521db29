from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from music.models import Listen
from tests.music.conftest import FIXTURES


def test_it_imports_files_and_prints_the_summary(alice: User) -> None:
    out = io.StringIO()
    call_command(
        "import_music",
        "--user",
        "ALICE@example.com",
        str(FIXTURES / "Streaming_History_Audio_2023.json"),
        str(FIXTURES / "listens.jsonl"),
        str(FIXTURES / "lastfm_noheader.csv"),
        str(FIXTURES / "Play Activity.csv"),
        str(FIXTURES / "scrobbler.log"),
        stdout=out,
    )
    text = out.getvalue()
    assert "(spotify): 3 imported, 0 already there" in text
    assert "(listenbrainz): 1 imported, 1 already there" in text
    assert "(lastfm): 2 imported" in text
    assert "(apple_music): 2 imported" in text
    assert "line 6: unreadable date" in text
    assert Listen.objects.filter(user=alice).count() == 3 + 1 + 2 + 2 + 2
    # The files on disk are the user's own: left where they were.
    assert (FIXTURES / "listens.jsonl").exists()


def test_it_reports_bad_files_and_unknown_users(alice: User, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("just some words")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_music", "--user", "alice@example.com", str(bad), stderr=err)
    assert "can't tell what kind of file" in err.getvalue()
    with pytest.raises(CommandError, match="No account"):
        call_command("import_music", "--user", "nobody@example.com", str(bad))
