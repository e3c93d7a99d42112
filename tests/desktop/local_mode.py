"""Test databases in single-user local mode (as their administrator would switch it on)."""

from __future__ import annotations


def switch_on_local_mode(url: str) -> None:
    """What `rounds users local-mode on` leaves behind, without its audit entry (tests count
    the audit rows their commands write)."""
    from caseload.store.database import open_database
    from caseload.store.models import ProgramAccess

    db = open_database(url)
    try:
        with db.session() as session:
            session.merge(ProgramAccess(id=1, demo=False, local_mode=True))
    finally:
        db.dispose()
