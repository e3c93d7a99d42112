"""The report's three files (summary PDF, measures CSV, de-identified clients CSV) in one
folder: what `rounds report` and the Reports page's "Save report…" write. Files are 0600."""

from __future__ import annotations

from pathlib import Path

from caseload.reports.files import write_report_csvs
from caseload.reports.service import Report
from desktop.reports.summary_pdf import write_summary_pdf


def report_stem(report: Report) -> str:
    return f"report-{report.period.start:%Y-%m-%d}-to-{report.period.end:%Y-%m-%d}"


def write_report_files(
    report: Report, out: Path, *, program_name: str, paper_size: str
) -> list[Path]:
    """Write the three files into `out` (created if missing); returns them, the PDF first."""
    written = write_report_csvs(report, out)
    pdf = write_summary_pdf(
        report,
        out / f"{report_stem(report)}-summary.pdf",
        program_name=program_name,
        paper_size=paper_size,
    )
    return [pdf, *written]
