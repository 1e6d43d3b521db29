"""Sessions in the database, read with one plain statement.

Every logged-in request reads its session. Django's database backend builds
and compiles an ORM query for it each time (`Session.objects.get(...)`), which
cost more Python than the database spent on the lookup. This backend reads
the same row with a fixed SQL string; everything else (saving, deleting,
rotating the key at login) is Django's own. The database stays the only
copy, so logging out, a password change and account deletion end sessions at
once in every process (QUALITY 5), and nothing depends on Redis (QUALITY 12).
docs/history-performance.md says why not a cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

SQL = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key:
            return {}
        connection = connections[router.db_for_read(self.model)]
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(SQL, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's backend: a new key if saved
            return {}
        data: dict[str, Any] = self.decode(row[0])
        return data
