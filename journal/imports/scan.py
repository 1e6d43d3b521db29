"""The mood step's scan, run by a worker: the distinct mood labels of a
journal CSV (to be placed on the grid) and its activities (to be matched with
existing tags), read in one pass over the stored draft.

A scan is an ImportJob of kind "journal_scan" over the draft file (kept:
``keep_file``), so it has the pipeline's claim, lease, sweeper and progress
page; the mood page waits on it (journal/views/imports.py). The web request
never reads more than the file's first 64 KB (its layout and a preview).
Its result is kept in ``job.options["scan"]``.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from accounts.models import User
from imports import jobs as pipeline
from imports.models import ImportJob
from imports.registry import ImportFormatError
from imports.report import ImportReport
from journal.imports.csvfile import NotACsvFile, iter_rows, read_layout
from journal.imports.mapped_csv import MAX_MOOD_VALUES, mood_key, split_tags

SCAN_KIND = "journal_scan"
MAX_ACTIVITIES = 300
MAX_LABEL_CHARS = 200


def start_scan(
    user: User, stored_path: str, file_name: str, mood_column: str, tags_column: str, separator: str
) -> ImportJob:
    """A job that reads the draft's moods and activities (the file stays the draft's)."""
    from django.core.files.storage import default_storage

    job = ImportJob.objects.create(
        user=user,
        kind=SCAN_KIND,
        file_name=file_name[:255],
        stored_path=default_storage.path(stored_path),
        total_bytes=default_storage.size(stored_path),
        options={
            "keep_file": True,
            "mood_column": mood_column,
            "tags_column": tags_column,
            "tags_separator": separator,
        },
    )
    pipeline.wake_on_commit(job.pk)
    return job


def _column(header: list[str], name: str) -> str:
    return next((column for column in header if column.casefold() == name.casefold()), "")


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    try:
        layout = read_layout(stream, job.file_name)
    except NotACsvFile as refused:
        raise ImportFormatError(str(refused)) from refused
    mood_column = _column(layout.header, str(job.options.get("mood_column") or ""))
    if not mood_column:
        raise ImportFormatError("This file has no mood column any more. Please start again.")
    tags_column = _column(layout.header, str(job.options.get("tags_column") or ""))
    separator = str(job.options.get("tags_separator") or "auto")
    labels: dict[str, str] = {}
    counts: dict[str, int] = {}
    activities: dict[str, str] = {}
    activity_counts: dict[str, int] = {}
    problem = ""
    for row in iter_rows(stream, layout):
        if row.error:
            problem = f"Line {row.line} could not be read ({row.error})."
            break
        report.tick()
        label = " ".join(row.cells.get(mood_column, "").split())
        if len(label) > MAX_LABEL_CHARS:
            raise ImportFormatError(
                f"Line {row.line} has {len(label):,} characters in the column “{mood_column}”, "
                "too many for a mood. Please choose another column."
            )
        if label:
            key = mood_key(label)
            if key not in counts:
                if len(counts) >= MAX_MOOD_VALUES:
                    raise ImportFormatError(
                        f"The column “{mood_column}” has more than {MAX_MOOD_VALUES} different "
                        "values, so it doesn't look like a mood. Please choose another column."
                    )
                labels[key], counts[key] = label, 0
            counts[key] += 1
        if tags_column:
            for name in split_tags(row.cells.get(tags_column, ""), separator):
                folded = name.casefold()
                activities.setdefault(folded, name)
                activity_counts[folded] = activity_counts.get(folded, 0) + 1
    if not counts:
        raise ImportFormatError(
            problem or f"The column “{mood_column}” is empty, so there are no moods to place."
        )
    ranked = sorted(activity_counts, key=lambda key: (-activity_counts[key], key))
    scan: dict[str, Any] = {
        "labels": [[labels[key], counts[key]] for key in sorted(counts, key=lambda k: -counts[k])],
        "activities": [activities[key] for key in ranked[:MAX_ACTIVITIES]],
        "problem": problem,
    }
    report.stopped_early = problem
    ImportJob.objects.filter(pk=job.pk).update(options={**job.options, "scan": scan})
    job.options["scan"] = scan


def summary(report: ImportReport) -> str:
    return "Your file has been read; its moods are ready to place."


def scan_result(job: ImportJob) -> dict[str, Any]:
    found = job.options.get("scan") if isinstance(job.options, dict) else None
    return found if isinstance(found, dict) else {}
