"""The journal importers, plugged into the shared import-job framework
(music.imports.jobs): kinds "daylio" and "journal_csv", run by
music.tasks.run_import. The job's options hold the whole column mapping and
mood placement (mapped_csv.Mapping.to_options), so a worker needs nothing but
the job id.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import BinaryIO

from music.imports.jobs import Importer, ImportFormatError, ImportReport, register

from journal.imports.csvfile import NotACsvFile, read_layout
from journal.imports.daylio import is_daylio
from journal.imports.mapped_csv import Mapping, MappingError, import_mapped_csv
from journal.imports.result import ImportResult
from music.models import ImportJob

JOURNAL_KINDS = ("daylio", "journal_csv")


def _copy(result: ImportResult, report: ImportReport) -> None:
    report.imported_count = result.imported
    report.duplicate_count = result.duplicates
    report.skipped = Counter(result.skipped)
    report.bad_rows = list(result.bad_rows)


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    def progress(result: ImportResult) -> None:
        _copy(result, report)
        report.save_progress()

    try:
        mapping = Mapping.from_options(job.options)
        result = import_mapped_csv(
            job.user, stream, mapping, file_name=job.file_name, progress=progress
        )
    except (NotACsvFile, MappingError) as problem:
        raise ImportFormatError(str(problem)) from problem
    _copy(result, report)
    # What the summary page tells beyond the counts (the framework owns `message`).
    ImportJob.objects.filter(pk=job.pk).update(options={**job.options, "result": result.extras()})


def sniff_csv(head: bytes, file_name: str) -> str | None:
    try:
        read_layout(io.BytesIO(head), file_name)
    except NotACsvFile as problem:
        return str(problem)
    return None


def sniff_daylio(head: bytes, file_name: str) -> str | None:
    try:
        layout = read_layout(io.BytesIO(head), file_name)
    except NotACsvFile as problem:
        return str(problem)
    if not is_daylio(layout.header):
        return "This file doesn't have Daylio's columns (full_date, time, mood, activities)."
    return None


register(
    Importer(
        kind="daylio",
        label="Daylio CSV export",
        section="journal",
        run=run,
        sniff=sniff_daylio,
        accept=".csv",
        done_url="history",
        done_label="See your history",
    )
)
register(
    Importer(
        kind="journal_csv",
        label="Mood journal CSV (columns chosen by you)",
        section="journal",
        run=run,
        sniff=sniff_csv,
        accept=".csv",
        done_url="history",
        done_label="See your history",
    )
)
