"""`rounds restore FILE [--db URL] [--force]` (see `desktop.cli.backup`)."""

from __future__ import annotations

from desktop.cli.backup import register_restore as register

__all__ = ["register"]
