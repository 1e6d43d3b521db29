"""Re-send import jobs nobody is working on, so none stays "Importing…" forever.

Run every minute by Celery beat (imports.tasks.sweep_imports). A job is
stranded when it is

- queued and no worker was ever woken for it (the broker was down when it was
  made) and it has waited longer than ``ATTUNE_IMPORT_QUEUED_GRACE_SECONDS``;
- queued, woken, but still not started a lease later (the message was lost,
  e.g. Redis restarted empty);
- running past its lease (``ATTUNE_IMPORT_LEASE_SECONDS``, longer than the task
  time limit): its worker was killed.

Each is woken again (imports.jobs.wake), at most once a lease for a queued one;
the worker's claim decides, so a job woken twice still runs once. A stranded
job out of attempts (``ATTUNE_IMPORT_MAX_ATTEMPTS``) is failed with a message
instead. If the broker is still down, nothing changes and the next sweep tries
again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from imports.jobs import give_up, lease, max_attempts, wake
from imports.models import ImportJob

BATCH = 200


@dataclass
class Sweep:
    woken: int = 0
    failed: int = 0
    unreachable: int = 0


def stranded(now: dt.datetime) -> Q:
    grace = dt.timedelta(seconds=settings.ATTUNE_IMPORT_QUEUED_GRACE_SECONDS)
    queued = Q(status=ImportJob.Status.QUEUED)
    never_sent = queued & Q(sent_at__isnull=True, created_at__lt=now - grace)
    lost = queued & Q(sent_at__lt=now - lease())
    dead_worker = Q(status=ImportJob.Status.RUNNING, started_at__lt=now - lease())
    return never_sent | lost | dead_worker


def sweep() -> Sweep:
    now = timezone.now()
    result = Sweep(failed=give_up(stranded(now), now))
    ids = list(
        ImportJob.objects.filter(stranded(now), attempts__lt=max_attempts())
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    for job_id in ids:
        if wake(job_id):
            result.woken += 1
        else:
            result.unreachable += 1
            break  # the broker is down: the next sweep tries again
    return result
