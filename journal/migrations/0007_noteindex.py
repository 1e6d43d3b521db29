"""The search index as one row per check-in (issue 20).

NoteToken held one row per word prefix (about 54 per note, 16 KB per note on
PostgreSQL with its two indexes). NoteIndex holds a check-in's tokens in one
row: `bigint[]` with a GIN index on PostgreSQL, a blob of 8-byte tokens on
SQLite. A new token is the first 64 bits of the same HMAC an old digest held
in hex, so the old rows convert without the notes or the keys.
"""

import struct

import django.db.models.deletion
from django.db import migrations, models

import journal.models

GIN = "CREATE INDEX IF NOT EXISTS noteindex_tokens ON journal_noteindex USING gin (tokens) WITH (fastupdate = off)"
CHUNK = 2000


def add_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS noteindex_tokens")


def old_digest_to_token(digest: str) -> int:
    return int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)


def convert_tokens(apps, schema_editor):
    connection = schema_editor.connection
    # Both functions are safe to run again (tests/e2e re-runs every RunPython
    # to refill an emptied database, when journal_notetoken is long gone).
    if "journal_notetoken" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ('x' || 16 hex digits)::bit(64)::bigint reads them as a signed
            # big-endian integer, as old_digest_to_token does.
            cursor.execute(
                "INSERT INTO journal_noteindex (checkin_id, tokens) "
                "SELECT checkin_id, array_agg(DISTINCT ('x' || left(digest, 16))::bit(64)::bigint) "
                "FROM journal_notetoken GROUP BY checkin_id"
            )
            return
        cursor.execute("SELECT checkin_id, digest FROM journal_notetoken ORDER BY checkin_id")
        found = cursor.fetchall()
    groups: dict[int, set[int]] = {}
    for checkin_id, digest in found:
        groups.setdefault(checkin_id, set()).add(old_digest_to_token(digest))
    rows = [
        (checkin_id, struct.pack(f">{len(tokens)}q", *sorted(tokens)))
        for checkin_id, tokens in groups.items()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                "INSERT INTO journal_noteindex (checkin_id, tokens) VALUES (%s, %s)",
                rows[start : start + CHUNK],
            )


def tokens_back(apps, schema_editor):
    # A 64-bit token cannot become the old 128-bit digest again: after
    # migrating back, run `manage.py rebuild_search_index`.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0006_day_attributes_import_label"),
    ]

    operations = [
        migrations.CreateModel(
            name="NoteIndex",
            fields=[
                (
                    "checkin",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="note_index",
                        serialize=False,
                        to="journal.checkin",
                    ),
                ),
                ("tokens", journal.models.TokensField()),
            ],
        ),
        migrations.RunPython(add_gin_index, drop_gin_index),
        migrations.RunPython(convert_tokens, tokens_back),
        migrations.DeleteModel(name="NoteToken"),
    ]
