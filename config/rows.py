"""Insert plain rows on the hot path, without building model instances.

A check-in save writes a few dozen small rows (search tokens, the words and
tags it links). Through the ORM each batch costs more Python than the database
spends on it; here it is one parameterised INSERT with a list of VALUES.
Only for rows whose model has no save() logic or signals to honour: callers
pass the model, and the table comes from its `_meta`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

# Rows per statement: well under SQLite's 32,766 bound parameters.
BATCH = 500


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        # One statement with a VALUES list per batch: a single round trip, and
        # far less driver work than executemany's row-by-row pipeline.
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(sql + ", ".join([row] * len(batch)), [v for r in batch for v in r])
