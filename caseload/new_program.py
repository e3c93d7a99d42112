"""A new, empty program database: the schema, the default programs and the default settings.

`rounds init`, the app's File > New database… and the app's first start on the default database
all come here; nothing else creates a database except the demo.
"""

from __future__ import annotations

from caseload.actor import Actor
from caseload.errors import DatabaseExistsError
from caseload.priority.rules import PriorityRules
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings, save_in
from caseload.store.database import Database, database_exists, open_database, resolve_url


def create_program_database(url: str | None, actor: Actor) -> Database:
    """Create and open an empty program database at `url` (see `resolve_url`); refuses with
    `DatabaseExistsError` when one is already there (nothing is changed then)."""
    resolved = resolve_url(url)
    if database_exists(resolved):
        db = open_database(resolved, migrate=False)
        where = db.describe()
        db.dispose()
        raise DatabaseExistsError(
            f"There is already a database at {where}; nothing was changed. Open it, or choose "
            "another place for the new one."
        )
    db = open_database(resolved, create=True)
    with db.session() as session:
        ensure_default_programs(session)
        save_in(session, ProgramSettings(), actor)
        save_in(session, PriorityRules(), actor)
    return db
