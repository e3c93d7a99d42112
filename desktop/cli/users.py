"""`rounds users add|list|disable|enable|role|password|local-mode`: user accounts and the
single-user local mode, for the administrator (`--user` an administrator; on a new database,
`users add NAME --role administrator` creates the first one without a log-in)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from desktop.cli import add_db_argument

if TYPE_CHECKING:
    from caseload.actor import Actor
    from caseload.store.database import Database
    from caseload.users.accounts import UserInfo

ROLES = ("administrator", "program_manager", "supervisor", "paramedic", "peer_support")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "users",
        help="manage user accounts and single-user local mode (administrator)",
        description="User accounts (administrator only: act with --user and $ROUNDS_PASSWORD "
        "or the prompt). New passwords come from $ROUNDS_NEW_PASSWORD or are asked for twice; "
        "at least 10 characters. Roles: " + ", ".join(ROLES) + ".",
    )
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an account")
    add.add_argument("name", metavar="NAME", help="user name (letters, digits, . _ - @)")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--full-name", metavar="TEXT", default=None, help="default: NAME")
    add.add_argument(
        "--staff",
        metavar="ID|NAME",
        default=None,
        help="the staff member they are (needed for paramedic and peer_support): id or name",
    )
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="JSON instead of a table")
    listing.set_defaults(run=run_list)

    for name, help_text in (("disable", "disable an account"), ("enable", "enable it again")):
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("name", metavar="NAME")
        sub.set_defaults(run=run_enable if name == "enable" else run_disable)

    role = actions.add_parser("role", help="change an account's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=ROLES)
    role.add_argument("--staff", metavar="ID|NAME", default=None)
    role.set_defaults(run=run_role)

    password = actions.add_parser(
        "password",
        help="set a new password for an account (administrator), or without NAME your own",
    )
    password.add_argument("name", metavar="NAME", nargs="?", default=None)
    password.set_defaults(run=run_password)

    local = actions.add_parser(
        "local-mode",
        help="single-user local mode: the database opens without log-in (on) or needs one (off)",
    )
    local.add_argument("state", choices=("on", "off"))
    local.set_defaults(run=run_local_mode)

    for sub in (add, listing, role, password, local, *_named(actions, "disable", "enable")):
        add_db_argument(sub)


def _named(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], *names: str
) -> list[argparse.ArgumentParser]:
    return [actions.choices[n] for n in names]


def _open(args: argparse.Namespace) -> Database:
    from caseload.store.database import open_database

    return open_database(args.db)


def _staff_id(db: Database, actor: Actor, raw: str | None) -> int | None:
    """`--staff` as an id or a name (case-insensitive, exact)."""
    if raw is None:
        return None
    from datetime import date

    from caseload.errors import UserError
    from caseload.team.staff import list_staff

    text = raw.strip()
    if text.isdigit():
        return int(text)
    wanted = text.casefold()
    staff = list_staff(db, actor, date.today())
    matches = [s.id for s in staff if s.draft.name.casefold() == wanted]
    if len(matches) != 1:
        found = "no staff member" if not matches else f"{len(matches)} staff members"
        raise UserError(f"--staff: {found} named {text[:60]!r}; give the staff id instead.")
    return matches[0]


def run_add(args: argparse.Namespace) -> int:
    from caseload.users import accounts
    from desktop.cli.session import ask_new_password, cli_actor, user_name

    db = _open(args)
    try:
        full_name = args.full_name or args.name
        if accounts.access_mode(db) is accounts.AccessMode.SETUP and user_name(args) is None:
            if args.role != "administrator":
                from caseload.errors import UserError

                raise UserError(
                    "This database has no administrator yet: add one first "
                    f"(`rounds users add NAME --role administrator`), then {args.name}."
                )
            password = ask_new_password(args.name, first_user=True)
            actor = accounts.create_first_administrator(db, args.name, full_name, password)
            print(f"Added {actor.user_id}, the first administrator.")
            return 0
        actor = cli_actor(args, db)
        staff_id = _staff_id(db, actor, args.staff)
        from caseload.users.permissions import Permission, require

        require(actor, Permission.MANAGE_USERS)  # before asking for the new password
        info = accounts.add_user(
            db, actor, args.name, full_name, args.role, ask_new_password(args.name), staff_id
        )
    finally:
        db.dispose()
    print(f"Added {_describe(info)}.")
    return 0


def _describe(info: UserInfo) -> str:
    staff = f", staff: {info.staff_name} (id {info.staff_id})" if info.staff_id else ""
    state = "" if info.active else ", disabled"
    return f"{info.username} ({info.full_name}; {info.role.label}{staff}{state})"


def run_list(args: argparse.Namespace) -> int:
    from caseload.users import accounts
    from desktop.cli.session import cli_actor

    db = _open(args)
    try:
        users = accounts.list_users(db, cli_actor(args, db))
        mode = accounts.access_mode(db)
    finally:
        db.dispose()
    if args.json:
        rows = [
            {
                "username": u.username,
                "full_name": u.full_name,
                "role": u.role.value,
                "staff_id": u.staff_id,
                "active": u.active,
                "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in users
        ]
        json.dump({"access_mode": mode.value, "users": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"Access: {mode.value}. {len(users)} account(s):")
    for u in users:
        last = f"last log-in {u.last_login_at:%Y-%m-%d %H:%M} UTC" if u.last_login_at else "never"
        print(f"  {_describe(u)}; {last}")
    return 0


def _change(args: argparse.Namespace, what: str) -> int:
    from caseload.users import accounts
    from desktop.cli.session import ask_new_password, cli_actor

    db = _open(args)
    try:
        actor = cli_actor(args, db)
        if what == "disable":
            info = accounts.set_active(db, actor, args.name, False)
        elif what == "enable":
            info = accounts.set_active(db, actor, args.name, True)
        elif what == "role":
            staff_id = _staff_id(db, actor, args.staff)
            info = accounts.set_role(db, actor, args.name, args.role, staff_id)
        else:
            from caseload.users.permissions import Permission, require

            require(actor, Permission.MANAGE_USERS)  # before asking for the new password
            info = accounts.reset_password(db, actor, args.name, ask_new_password(args.name))
    finally:
        db.dispose()
    print(f"{_describe(info)}: {'password set' if what == 'password' else what + 'd'}.")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    return _change(args, "disable")


def run_enable(args: argparse.Namespace) -> int:
    return _change(args, "enable")


def run_role(args: argparse.Namespace) -> int:
    return _change(args, "role")


def run_password(args: argparse.Namespace) -> int:
    if args.name is not None:
        return _change(args, "password")
    from caseload.errors import UserError
    from caseload.users import accounts
    from desktop.cli.session import PASSWORD_ENV, ask_new_password, ask_secret, user_name

    name = user_name(args)
    if name is None:
        raise UserError("Whose password? Give --user NAME for your own, or the account's NAME.")
    db = _open(args)
    try:
        old = ask_secret(f"Current password for {name}: ", PASSWORD_ENV)
        actor = accounts.authenticate(db, name, old)
        accounts.change_own_password(db, actor, old, ask_new_password(name))
    finally:
        db.dispose()
    print(f"{actor.user_id}: password changed.")
    return 0


def run_local_mode(args: argparse.Namespace) -> int:
    from caseload.users import accounts
    from desktop.cli.session import cli_actor

    db = _open(args)
    try:
        mode = accounts.set_local_mode(db, cli_actor(args, db), args.state == "on")
    finally:
        db.dispose()
    if mode is accounts.AccessMode.LOCAL:
        print("Local mode is on: the database opens without log-in, as the local user.")
    else:
        print("Local mode is off: everyone logs in.")
    return 0
