"""Celery tasks: thin, taking ids and calling one domain function each.

They are safe to run twice (acks_late + reject_on_worker_lost redeliver a task
whose worker died): the claim in journal/reflections/delivery.py, a conditional UPDATE,
decides who sends, and attempts are bounded in the database.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from journal import checkins
from journal.imports import drafts
from journal.reflections import delivery, schedule


@shared_task(name="journal.dispatch_reflections")
def dispatch_reflections() -> None:
    schedule.dispatch()


@shared_task(bind=True, name="journal.deliver_reflections", max_retries=50)
def deliver_reflections(self: Any, reflection_ids: list[int]) -> None:
    result = delivery.deliver_reflections(reflection_ids)
    if result.again:
        # Bounded by WeeklyReflection.attempts, not by Celery's retry count.
        raise self.retry(args=[result.again], countdown=result.countdown)


@shared_task(name="journal.purge_deleted")
def purge_deleted() -> None:
    """On beat: check-ins deleted longer ago than the undo window go for good
    (note, search tokens and all), and abandoned import drafts expire."""
    checkins.purge_expired_deletions()
    drafts.expire_drafts()
