"""How a journal import's outcome reads to a person (imports.report.ImportReport
holds the numbers; this is only the wording)."""

from __future__ import annotations

from imports.report import ImportReport

# Journal imports list more of the rows to look at than music ones do.
MAX_REPORTED_ROWS = 50


def journal_report() -> ImportReport:
    """A report for an import run in this process (the import_journal command)."""
    return ImportReport(max_bad_rows=MAX_REPORTED_ROWS)


def summary_sentence(report: ImportReport) -> str:
    imported, skipped = report.imported, report.skipped_total
    parts = [f"{imported} check-in{'' if imported == 1 else 's'} imported"]
    if report.duplicates:
        parts.append(f"{report.duplicates} already there")
    if skipped:
        parts.append(f"{skipped} row{'' if skipped == 1 else 's'} skipped")
    sentence = ", ".join(parts) + "."
    if report.first_date and report.last_date:
        sentence += (
            f" Your entries run from {report.first_date:%-d %B %Y} to {report.last_date:%-d %B %Y}."
        )
    if report.stopped_early:
        sentence += " " + report.stopped_early
    return sentence
