"""Small import files for the importer tests: a good client row to vary, CSV writing, counts."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from caseload.store.database import Database
from caseload.store.models import (
    AuditEntry,
    Client,
    ClientPlace,
    Enrollment,
    UtilizationEvent,
)

HEADER = [
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "lat",
    "lon",
    "housing_status",
    "programs",
    "language",
    "safety_notes",
]


def good(ext: str, **changes: str) -> dict[str, str]:
    row = {
        "external_id": ext,
        "first_name": "Ann",
        "last_name": "Able",
        "date_of_birth": "1950-02-03",
        "phone": "919-555-0100",
        "address": "",
        "city": "Durham",
        "state": "NC",
        "zip": "27701",
        "lat": "35.99",
        "lon": "-78.90",
        "housing_status": "housed",
        "programs": "fall_prevention; high_utilizer",
        "language": "es",
        "safety_notes": "dog in yard",
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Client, Enrollment, ClientPlace, UtilizationEvent, AuditEntry)
        )
