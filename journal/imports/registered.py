"""The journal's import kinds, registered with the import pipeline
(imports.registry): "daylio" and "journal_csv", run by imports.tasks.run_import.
The job's options hold the whole column mapping and mood placement
(mapped_csv.Mapping.to_options), so a worker needs nothing but the job id.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from imports.models import ImportJob
from imports.registry import ImportFormatError, Kind, register
from imports.report import ImportReport
from journal.imports import scan
from journal.imports.csvfile import NotACsvFile, read_layout
from journal.imports.daylio import is_daylio
from journal.imports.mapped_csv import Mapping, MappingError, import_mapped_csv
from journal.imports.result import MAX_REPORTED_ROWS, summary_sentence

JOURNAL_KINDS = ("daylio", "journal_csv")


def run(job: ImportJob, stream: BinaryIO, report: ImportReport) -> None:
    report.max_bad_rows = MAX_REPORTED_ROWS
    try:
        mapping = Mapping.from_options(job.options)
        import_mapped_csv(job.user, stream, mapping, file_name=job.file_name, report=report)
    except (NotACsvFile, MappingError) as problem:
        raise ImportFormatError(str(problem)) from problem


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


def register_kinds() -> None:
    register(
        Kind(
            kind=scan.SCAN_KIND,
            label="Reading the moods in a journal CSV",
            section="journal-scan",  # listed nowhere: the mood page waits on it
            run=scan.run,
            sniff=sniff_csv,
            accept=".csv",
            done_url="journal:journal_import_moods",
            done_label="Place your moods",
            again_url="journal:journal_import",
            summarize=scan.summary,
        )
    )
    for kind, label, sniff in (
        ("daylio", "Daylio CSV export", sniff_daylio),
        ("journal_csv", "Mood journal CSV (columns chosen by you)", sniff_csv),
    ):
        register(
            Kind(
                kind=kind,
                label=label,
                section="journal",
                run=run,
                sniff=sniff,
                accept=".csv",
                done_url="journal:history",
                done_label="See your history",
                again_url="journal:journal_import",
                summarize=summary_sentence,
            )
        )
