"""Thin tasks: safe to run twice (the claim in reminders/delivery.py decides)."""

from __future__ import annotations

from celery import shared_task

from reminders import delivery, dispatch


@shared_task(name="reminders.dispatch")
def dispatch_reminders() -> None:
    dispatch.dispatch()


@shared_task(name="reminders.deliver", soft_time_limit=60, time_limit=90)
def deliver_reminders(ids: list[int]) -> None:
    delivery.deliver_reminders(ids)
