"""Client import of the structured needs: consent in three states, the two-person flag."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.enums import ConsentState
from caseload.errors import InputFileError
from caseload.importing.clients import import_clients
from caseload.store.database import Database
from caseload.store.models import Client
from tests.caseload.import_data import HEADER, counts, good, write_csv

WITH_NEEDS = [*HEADER, "two_person_visit", "consent"]


def _imported(db: Database) -> dict[str, tuple[bool, str]]:
    with db.session() as session:
        return {
            c.external_id: (c.two_person_visit, c.consent) for c in session.scalars(select(Client))
        }


def test_consent_and_two_person_columns_are_read(db: Database, tmp_path: Path) -> None:
    rows = [
        good("N1", two_person_visit="yes", consent="given"),
        good("N2", two_person_visit="No", consent="Declined"),
        good("N3", two_person_visit="", consent="not recorded"),
        good("N4", two_person_visit="TRUE", consent="yes"),
        good("N5", two_person_visit="0", consent="no"),
        good("N6", two_person_visit="1", consent=""),
    ]
    import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", rows, WITH_NEEDS))
    assert _imported(db) == {
        "N1": (True, ConsentState.GIVEN.value),
        "N2": (False, ConsentState.DECLINED.value),
        "N3": (False, ConsentState.NOT_RECORDED.value),
        "N4": (True, ConsentState.GIVEN.value),
        "N5": (False, ConsentState.DECLINED.value),
        "N6": (True, ConsentState.NOT_RECORDED.value),
    }


def test_a_file_without_a_consent_column_records_no_consent(db: Database, tmp_path: Path) -> None:
    """Importing never invents consent: without the column every client is 'not recorded'."""
    import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", [good("A1"), good("A2")]))
    assert _imported(db) == {
        "A1": (False, ConsentState.NOT_RECORDED.value),
        "A2": (False, ConsentState.NOT_RECORDED.value),
    }


def test_bad_consent_and_flag_values_name_row_column_and_what_is_expected(
    db: Database, tmp_path: Path
) -> None:
    before = counts(db)
    rows = [
        good("B1", two_person_visit="yes", consent="given"),
        good("B2", two_person_visit="maybe", consent="given"),
        good("B3", two_person_visit="no", consent="verbal"),
    ]
    with pytest.raises(InputFileError) as err:
        import_clients(db, local_actor(), write_csv(tmp_path / "bad.csv", rows, WITH_NEEDS))
    problems = {(p.row, p.column, p.value): p.expected for p in err.value.problems}
    assert set(problems) == {(3, "two_person_visit", "maybe"), (4, "consent", "verbal")}
    assert problems[(3, "two_person_visit", "maybe")] == "yes or no (blank means no)"
    assert problems[(4, "consent", "verbal")] == (
        "one of given, declined, not_recorded (or yes, no; blank: not recorded)"
    )
    assert counts(db) == before
