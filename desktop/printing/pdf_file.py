"""Checking a PDF that Qt wrote: QPdfWriter reports no write error, so a full disk (or a file
size limit) leaves a cut-off file that would otherwise be renamed into place as if complete."""

from __future__ import annotations

import errno
import os
from pathlib import Path

# Every PDF ends with %%EOF, possibly followed by a line break; look a little further back.
_TAIL_BYTES = 64


def require_complete_pdf(written: Path, target: Path) -> None:
    """Raise OSError (naming `target`) unless `written` is a whole PDF file."""
    try:
        with written.open("rb") as handle:
            head = handle.read(5)
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - _TAIL_BYTES))
            tail = handle.read()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise OSError(
            errno.EIO,
            "the PDF could not be written completely (is the disk full?); nothing was saved there",
            str(target),
        )
