"""Who a command acts as: `--user NAME` (or $ROUNDS_USER) with the password from
$ROUNDS_PASSWORD or a prompt without echo at a terminal; on a demo database or in the
administrator's single-user local mode, the local user without a log-in."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from caseload.errors import UserError

if TYPE_CHECKING:
    from caseload.actor import Actor
    from caseload.store.database import Database

USER_ENV = "ROUNDS_USER"
PASSWORD_ENV = "ROUNDS_PASSWORD"
NEW_PASSWORD_ENV = "ROUNDS_NEW_PASSWORD"


def user_name(args: argparse.Namespace) -> str | None:
    return (getattr(args, "user", None) or os.environ.get(USER_ENV, "")).strip() or None


def ask_secret(prompt: str, env: str) -> str:
    """A password from `env`, else typed without echo at a terminal; neither: a plain error
    (exit 2), never a hang waiting on a pipe."""
    from_env = os.environ.get(env, "")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise UserError(f"No password: set ${env} or run the command at a terminal to type it.")
    import getpass

    return getpass.getpass(prompt)


def ask_new_password(who: str, *, first_user: bool = False) -> str:
    """A new password for `who`: $ROUNDS_NEW_PASSWORD, else typed twice at a terminal. The
    first administrator (`first_user`: nobody is logged in) may also take $ROUNDS_PASSWORD."""
    for env in (NEW_PASSWORD_ENV, PASSWORD_ENV) if first_user else (NEW_PASSWORD_ENV,):
        if os.environ.get(env):
            return os.environ[env]
    first = ask_secret(f"New password for {who}: ", NEW_PASSWORD_ENV)
    if ask_secret("The same password again: ", NEW_PASSWORD_ENV) != first:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def cli_actor(args: argparse.Namespace, db: Database) -> Actor:
    """The actor of this command on `db` (see the module's docstring). Raises `UserError`
    (exit 2) for a wrong password, a locked account, a database that needs a log-in and got
    none, or one that has no administrator yet."""
    from caseload.actor import local_actor
    from caseload.users.accounts import AccessMode, access_mode, authenticate

    mode = access_mode(db)
    name = user_name(args)
    if mode is AccessMode.DEMO:  # a demo has no accounts: everyone is the local user
        return local_actor()
    if name is not None:
        return authenticate(db, name, ask_secret(f"Password for {name}: ", PASSWORD_ENV))
    if mode is AccessMode.LOCAL:
        return local_actor()
    if mode is AccessMode.SETUP:
        raise UserError(
            "This program database has no administrator yet: create one with `rounds users add "
            "NAME --role administrator` (or start the app), then add the other users."
        )
    raise UserError(
        f"This database needs a log-in: give --user NAME (or set ${USER_ENV}); the password "
        f"comes from ${PASSWORD_ENV} or is asked for."
    )
