"""Who a command acts as. Until accounts land (caseload.users) this is the local user."""

from __future__ import annotations

import argparse

from caseload.actor import Actor, local_actor
from caseload.store.database import Database


def cli_actor(args: argparse.Namespace, db: Database) -> Actor:
    del args, db
    return local_actor()
