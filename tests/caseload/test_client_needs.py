"""The client read model and edits carry the structured needs: consent in three states and the
two-person safety flag."""

from __future__ import annotations

from datetime import UTC, date, datetime

from caseload.actor import local_actor
from caseload.clients import ClientEdit, client_detail, update_client
from caseload.enums import ConsentState
from caseload.store.database import Database
from caseload.store.models import Client

DAY = date(2026, 11, 18)


def _client(db: Database) -> int:
    with db.session() as s:
        client = Client(
            external_id="K1",
            first_name="Kim",
            last_name="Lee",
            date_of_birth=date(1970, 1, 1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        s.add(client)
        s.flush()
        return client.id


def test_a_new_client_has_no_consent_on_record_and_no_two_person_flag(db: Database) -> None:
    detail = client_detail(db, _client(db), DAY, local_actor())
    assert detail.consent is ConsentState.NOT_RECORDED
    assert detail.two_person_visit is False


def test_consent_and_two_person_flag_are_edited_and_read_back(db: Database) -> None:
    client_id = _client(db)
    before = client_detail(db, client_id, DAY, local_actor())
    edit = ClientEdit(consent=ConsentState.DECLINED, two_person_visit=True)
    update_client(db, local_actor(), client_id, before.version, edit)
    after = client_detail(db, client_id, DAY, local_actor())
    assert (after.consent, after.two_person_visit) == (ConsentState.DECLINED, True)
    assert after.version == before.version + 1
