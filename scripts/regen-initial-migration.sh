#!/usr/bin/env bash
# Pre-release only: regenerate migration 0001 from caseload/models.py. Once a release ships,
# add new revisions instead (alembic revision --autogenerate) and never edit old ones.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f caseload/store/migrations/versions/0001_initial_schema.py
tmp=$(mktemp -d)
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from caseload.store.database import create_db_engine
from caseload.store.migrate import alembic_config
engine = create_db_engine(f"sqlite:///{sys.argv[1]}/gen.db")
command.revision(alembic_config(engine), message="initial schema", autogenerate=True, rev_id="0001")
PY
sed -i 's/[ \t]*$//' caseload/store/migrations/versions/0001_initial_schema.py
rm -rf "$tmp"
