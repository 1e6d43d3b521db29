"""Sessions in the database, read with one plain statement, kept with the
logged-in user's id.

Every logged-in request reads its session. Django's database backend builds
and compiles an ORM query for it each time (`Session.objects.get(...)`), which
cost more Python than the database spent on the lookup. This backend reads
the same row with a fixed SQL string; everything else (saving, deleting,
rotating the key at login) is Django's own. The database stays the only
copy, so logging out, a password change and account deletion end sessions at
once in every process (QUALITY 5), and nothing depends on Redis (QUALITY 12).
docs/history-performance.md says why not a cache.

The rows live in `accounts.Session`, Django's session table plus an indexed
`user_id` column written on every save, so one person's sessions are found
without decoding anyone else's (docs/accounts-hardening.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import connections, router
from django.utils import timezone

from accounts.models import Session

SQL = (
    f"SELECT session_data FROM {Session._meta.db_table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608 - our table name, values are parameters
)


def user_id_of(data: dict[str, Any]) -> int | None:
    """The logged-in user's id in a session's data, or None."""
    value = data.get(SESSION_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        instance = super().create_model_instance(data)
        instance.user_id = user_id_of(data)  # type: ignore[attr-defined]
        return instance

    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key:
            return {}
        connection = connections[router.db_for_read(Session)]
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(SQL, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's backend: a new key if saved
            return {}
        data: dict[str, Any] = self.decode(row[0])
        return data
