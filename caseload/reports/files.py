"""The report's CSV files: every measure (suppressed for sharing) and the de-identified clients.

Written atomically; temporary files are made private (0600) and keep that mode once renamed.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from caseload.reports.measure import format_value, shown
from caseload.reports.service import Report

MEASURE_COLUMNS = ("group", "measure", "subgroup", "value", "unit", "basis_n", "definition", "note")


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return (
        f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(cell) else cell
    )


def _number(cell: str) -> bool:
    try:
        float(cell.replace(",", "").replace("$", ""))
    except ValueError:
        return False
    return True


def write_private(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def measures_csv(report: Report, *, suppress: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MEASURE_COLUMNS)
    below = report.suppress_below if suppress else 0
    for m in report.measures:
        basis = "" if m.basis is None else str(m.basis)
        if suppress and m.basis is not None and 0 < m.basis < below:
            basis = f"<{below}"
        value = shown(m, below) if suppress else format_value(m)
        writer.writerow(
            [
                _safe(c)
                for c in (
                    m.group.value,
                    m.label,
                    m.subgroup,
                    value,
                    m.unit.value,
                    basis,
                    m.definition,
                    m.note,
                )
            ]
        )
    return out.getvalue()


def clients_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(report.clients.columns)
    writer.writerows([_safe(c) for c in row] for row in report.clients.rows)
    return out.getvalue()


def write_report_csvs(report: Report, out_dir: Path) -> list[Path]:
    stem = f"report-{report.period.start:%Y-%m-%d}-to-{report.period.end:%Y-%m-%d}"
    return [
        write_private(out_dir / f"{stem}-measures.csv", measures_csv(report)),
        write_private(out_dir / f"{stem}-clients-deidentified.csv", clients_csv(report)),
    ]
