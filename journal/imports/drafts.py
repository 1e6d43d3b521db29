"""Journal-import drafts on disk: their expiry and their erasure.

A draft (journal.imports.jobs.store_draft) is the uploaded CSV kept while its
owner maps columns and places moods; it is plain text, notes included. A
person who walks away leaves it behind, so drafts older than
ATTUNE_IMPORT_DRAFT_HOURS are removed on beat (journal.tasks.purge_deleted),
and every draft of a person goes with their account.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import time
from pathlib import Path

from django.conf import settings

from journal.imports.jobs import DRAFT_DIR

logger = logging.getLogger(__name__)


def drafts_root() -> Path:
    return Path(settings.MEDIA_ROOT) / DRAFT_DIR


def draft_dir_of(user_id: int) -> Path:
    return drafts_root() / str(int(user_id))


def max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.ATTUNE_IMPORT_DRAFT_HOURS)


def expire_drafts(now: float | None = None) -> int:
    """Delete drafts older than max_age() (by the time the file was written),
    and folders left empty; returns how many files went."""
    root = drafts_root()
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - max_age().total_seconds()
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                logger.warning("Could not remove an old import draft", exc_info=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty
    return removed


def erase_drafts(user_id: int) -> None:
    """Every draft of this person, with its folder."""
    shutil.rmtree(draft_dir_of(user_id), ignore_errors=True)
