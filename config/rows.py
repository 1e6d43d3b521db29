"""Plain rows on the hot path, without building model instances or queries.

A check-in save writes a few dozen small rows (search tokens, the words and
tags it links) and checks that the words, tags and song it names belong to
the user. Through the ORM each of those costs more Python than the database
spends on it (compiling a one-line ownership query took 0.43 ms of CPU, the
plain statement 0.11 ms); here each is one parameterised statement.
`insert_rows` is only for rows whose model has no save() logic or signals to
honour: callers pass the model, and the table comes from its `_meta`. It is the
one bulk writer for plain rows: a check-in's few rows go as one VALUES
statement, an import's thousands (a year of notes is ~100k search tokens)
through PostgreSQL's COPY.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

# Rows per statement: well under SQLite's 32,766 bound parameters.
BATCH = 500
# From this many rows on, PostgreSQL gets them through COPY.
COPY_FROM = 2000
# Values one `ids_where` may look up (its callers cap what a form accepts).
MAX_IDS = 500


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        _copy(model, columns, rows)
        return
    names = ", ".join(quote(column) for column in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        # One statement with a VALUES list per batch: a single round trip, and
        # far less driver work than executemany's row-by-row pipeline.
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(sql + ", ".join([row] * len(batch)), [v for r in batch for v in r])


def _copy(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def ids_where(
    model: type[Model],
    ids: Sequence[int],
    condition: str,
    params: Sequence[Any],
    column: str = "id",
) -> set[int]:
    """Which of `ids` are in `column` of a `model` row that meets `condition`
    (plain SQL over the model's own columns, with %s for `params`). One query."""
    if not ids:
        return set()
    if len(ids) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} ids per lookup")
    quote = connection.ops.quote_name
    table, name = quote(model._meta.db_table), quote(column)
    marks = ", ".join(["%s"] * len(ids))
    sql = f"SELECT {name} FROM {table} WHERE {name} IN ({marks}) AND ({condition})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *params])
        return {row[0] for row in cursor.fetchall()}
