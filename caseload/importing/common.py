"""What the import kinds share besides the pipeline: the report, its warnings, repeated-row
detection and batched look-ups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from caseload.enums import GeocodeQuality
from caseload.errors import RowProblem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowWarning:
    """Something the import did but the user should know about (the row was imported)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}, column '{self.column}': {self.message}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: str  # "clients", "events" or "addresses"
    file: str
    rows_read: int
    created: int
    dry_run: bool
    updated: int = 0
    enrollments: int = 0
    cancelled: bool = False
    geocoded: Mapping[str, int] = field(default_factory=dict)  # GeocodeQuality value -> count
    warnings: tuple[RowWarning, ...] = ()
    unknown_columns: tuple[str, ...] = ()

    def summary(self, max_warnings: int = 25) -> str:
        """What happened, in words for the user (the CLI prints it, the app shows it)."""
        return report_text(self, max_warnings)

    def __str__(self) -> str:
        return self.summary()


_NOUNS = {
    "clients": "client",
    "events": "event",
    "addresses": "address point",
    "staff": "staff member",
    "shifts": "shift row",
    "visits": "visit outcome",
    "referrals": "referral",
    "places": "shared place",
    "usual-places": "usual place",
}
QUALITY_HELP = (
    "exact = the house (coordinates in the file, or found in the address table), interpolated = "
    "between the nearest house numbers on the street, street = the street name was misspelt, "
    "matched by house number and ZIP or city, zip = centre of the ZIP code (planned only when "
    "approximate locations are accepted), none = no location (not planned until one is set)"
)


def report_text(report: ImportReport, max_warnings: int = 25) -> str:
    name = Path(report.file).name
    noun = _NOUNS.get(report.kind, "row")
    things = f"{report.created} {noun}{'' if report.created == 1 else 's'}"
    updated = f", {report.updated} updated" if report.updated else ""
    if report.cancelled:
        return f"Import of {name} cancelled; nothing was written."
    if report.dry_run:
        lines = [
            f"Dry run: {name} is valid ({report.rows_read} rows); importing it would create "
            f"{things}{updated}. Nothing was written."
        ]
    else:
        lines = [f"Imported {name}: {report.rows_read} rows read, {things} created{updated}."]
    if report.enrollments and report.kind == "referrals":
        lines.append(
            f"Accepted into a program (client linked or made, enrolled): {report.enrollments}"
        )
    elif report.enrollments:
        lines.append(f"Program enrollments: {report.enrollments}")
    if report.geocoded:
        order = [q.value for q in GeocodeQuality]
        parts = [f"{report.geocoded[q]} {q}" for q in order if report.geocoded.get(q)]
        lines.append(f"Locations: {', '.join(parts)}  ({QUALITY_HELP})")
    if report.warnings:
        lines.append(f"Warnings ({len(report.warnings)}):")
        lines += [f"  {w}" for w in report.warnings[:max_warnings]]
        if len(report.warnings) > max_warnings:
            lines.append(f"  ... and {len(report.warnings) - max_warnings} more")
    return "\n".join(lines)


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def report_duplicates(
    problems: list[RowProblem], keyed: Iterable[tuple[int, str, object, str]], column: str
) -> None:
    """Report each row whose key (row, shown value, key, what) repeats an earlier row's."""
    first: dict[object, int] = {}
    for row, shown, key, what in keyed:
        if key in first:
            problems.append(
                RowProblem(row, column, shown, f"{what} — row {first[key]} has the same one")
            )
        else:
            first[key] = row
