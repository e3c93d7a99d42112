"""A throwaway PostgreSQL server for the test session, from Debian's binaries.

`initdb` refuses to run as root, so as root every server command runs as the `postgres` user
(runuser); as anyone else it runs as that user. The cluster lives in a temp dir, listens on
127.0.0.1 on a free port, and is stopped and deleted at the end of the session.
Set ROUNDS_TEST_PG_URL to use an existing server instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailableError(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    for initdb in candidates:
        return initdb.parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailableError(
        "PostgreSQL server binaries not found (install Debian's 'postgresql' package)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def running_server() -> Iterator[str]:
    """Start a cluster; yield a SQLAlchemy URL to its `postgres` database; stop it after."""
    bindir = find_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="rounds-pg-"))
    datadir = workdir / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")

    def run(cmd: list[str]) -> None:
        subprocess.run(
            _as_server_user(cmd), check=True, capture_output=True, text=True, cwd=workdir
        )

    try:
        run(
            [
                str(bindir / "initdb"),
                "-D",
                str(datadir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-w",
                "-l",
                str(workdir / "log"),
                "-o",
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        detail = exc.stderr or exc.stdout
        raise PostgresUnavailableError(f"could not start PostgreSQL: {detail}") from exc
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user(
                [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"]
            ),
            capture_output=True,
            cwd=workdir,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)
