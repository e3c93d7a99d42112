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
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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


class BackgroundServer:
    """`running_server()` entered on a thread, so that initdb and the start (about 1.5 s) overlap
    what the caller does meanwhile (pytest: collecting the tests)."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._url: str | None = None
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._start, name="postgres-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            self._url = self._stack.enter_context(running_server())
        except Exception as exc:  # raised again, in the caller's thread, by url()
            self._error = exc

    def url(self) -> str:
        """The server's URL once it runs; raises what stopped it from starting."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._url is not None
        return self._url

    def stop(self) -> None:
        self._thread.join()
        self._stack.close()
