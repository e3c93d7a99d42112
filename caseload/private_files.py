"""Files that hold client data are readable by their owner only: folders 0700, files 0600.

Everything MIH Rounds writes — the SQLite database and its -wal/-shm, backups, rounds.log,
route-sheet PDFs, CSV/ICS/JSON exports — goes through these helpers, and the entry points set
the process umask to 077 as a second line (files written by libraries, e.g. Qt's PDF writer).
Files are written beside their target as `.NAME.part` and renamed; a write that was killed
leaves only a private `.part` file, removed by `remove_partial_files` on the next start.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
PRIVATE_UMASK = 0o077
PART_SUFFIX = ".part"
# A partial file younger than this may belong to a write still running in another window.
STALE_PART_S = 300.0
# Only our own partial files: `.NAME.EXT.part` or `.NAME.EXT.RANDOM.part` (mkstemp) for the
# kinds of file we write, never another program's downloads.
_OUR_PARTS = re.compile(r"\..+\.(pdf|csv|ics|json|bak|db)(\.[A-Za-z0-9_]+)?\.part")


def private_dir(path: Path, *, ours: bool = False) -> Path:
    """Make `path` (and missing parents) as 0700 folders. `ours`: a folder only MIH Rounds uses
    (data, log): tightened to 0700 even when it exists. A folder the user chose is left as it is
    when it exists."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        with contextlib.suppress(OSError):
            created.chmod(DIR_MODE)  # mkdir's mode is reduced by the umask; parents get 0777
    if ours:
        make_private(path, DIR_MODE)
    return path


def make_private(path: Path, mode: int = FILE_MODE) -> None:
    """chmod `path` to `mode` if it exists and is ours (never fails for a file we do not own)."""
    try:
        info = path.stat()
    except OSError:
        return
    if info.st_uid == os.geteuid() and info.st_mode & 0o777 != mode:
        with contextlib.suppress(OSError):
            path.chmod(mode)


def create_private_file(path: Path) -> Path:
    """Create `path` empty (or keep it) with mode 0600, before any library opens it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (0600) in one step: a `.part` file renamed into place."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:  # a write to the open file (a full disk) names no file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def part_path(path: Path) -> Path:
    """Where `path` is written before it is renamed into place."""
    return path.with_name(f".{path.name}{PART_SUFFIX}")


def remove_partial_files(folder: Path, *, older_than_s: float = STALE_PART_S) -> list[Path]:
    """Delete `.*.part` files left in `folder` by writes that were killed; returns them."""
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    try:
        candidates = list(Path(folder).glob(f".*{PART_SUFFIX}"))
    except OSError:
        return removed
    for candidate in candidates:
        if not _OUR_PARTS.fullmatch(candidate.name):
            continue
        with contextlib.suppress(OSError):
            if candidate.is_file() and candidate.stat().st_mtime <= cutoff:
                candidate.unlink()
                removed.append(candidate)
    return removed


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created meanwhile (by us or any library) are private."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)
