"""Safety notes have a documented cap (SAFETY_NOTES_MAX_CHARS) in edits as on import, so every
note fits the route sheet it is printed on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caseload.actor import local_actor
from caseload.clients import ClientEdit, client_detail, update_client
from caseload.errors import UserError
from caseload.store.database import Database
from caseload.store.models import SAFETY_NOTES_MAX_CHARS, Client

DAY = date(2026, 11, 18)


def _client(db: Database) -> int:
    with db.session() as s:
        client = Client(
            external_id="S1",
            first_name="Sam",
            last_name="Stone",
            date_of_birth=date(1970, 1, 1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        s.add(client)
        s.flush()
        return client.id


def test_an_edit_accepts_a_note_up_to_the_cap_and_refuses_a_longer_one(db: Database) -> None:
    client_id = _client(db)
    before = client_detail(db, client_id, DAY, local_actor())
    longest = "z" * SAFETY_NOTES_MAX_CHARS
    update_client(db, local_actor(), client_id, before.version, ClientEdit(safety_notes=longest))
    saved = client_detail(db, client_id, DAY, local_actor())
    assert saved.safety_notes == longest
    with pytest.raises(UserError, match=f"at most {SAFETY_NOTES_MAX_CHARS}"):
        update_client(
            db, local_actor(), client_id, saved.version, ClientEdit(safety_notes=longest + "!")
        )
    assert client_detail(db, client_id, DAY, local_actor()).safety_notes == longest
