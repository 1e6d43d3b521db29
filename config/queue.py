"""Enqueue Celery tasks without letting a broker outage break a web request.

The web process must keep saving check-ins when Redis is down (QUALITY.md 12).
Every job that matters is first a database row (an ImportJob, a
WeeklyReflection) in a "queued/pending" state; sending it to the broker is only
a wake-up call. If the broker is down, the call is logged and skipped, and the
periodic sweeper re-sends rows still waiting once the broker is back.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# Give up on the broker quickly: a person is waiting for the page.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def send_now(task: Task, *args: Any) -> bool:
    """Publish `task(*args)`; False (and a log line, without the arguments) if the
    broker can't be reached."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:  # kombu raises several types for "unreachable"
        logger.warning("Broker unavailable, %s left for the sweeper: %r", task.name, error)
        return False
    return True


def send_on_commit(task: Task, *args: Any) -> None:
    """Publish after the current transaction commits (so the worker sees the row)."""
    transaction.on_commit(lambda: send_now(task, *args))


def send_by_name(name: str, *args: Any) -> bool:
    """`send_now` for a task known by its name, so domain code need not import
    the tasks module that calls it back."""
    try:
        current_app.send_task(name, args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:  # kombu raises several types for "unreachable"
        logger.warning("Broker unavailable, %s left for the sweeper: %r", name, error)
        return False
    return True


def send_by_name_on_commit(name: str, *args: Any) -> None:
    """`send_by_name` after the current transaction commits."""
    transaction.on_commit(lambda: send_by_name(name, *args))
