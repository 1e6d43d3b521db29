from __future__ import annotations

from celery import shared_task

from music.heard_feel import refresh_changed


@shared_task(name="music.refresh_heard_feel")
def refresh_heard_feel() -> int:
    return refresh_changed()
