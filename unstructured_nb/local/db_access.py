"""Why the engine cannot write its SQLite database, in one message: which file, and whether permission or disk.

The engine refuses to start on a database it cannot write (a read-only db, ``-wal`` or
``-shm`` file, or data dir, or a full disk) rather than start and answer every run with
a 500. The message names the file at fault and the cause, since the fixes differ.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import LocalEngineError
from .write_errors import DISK_FULL, write_cause

__all__ = ["db_refusal"]


def _unwritable(db: Path) -> Path | None:
    """The first of the data dir, the db and its ``-wal``/``-shm`` files this process may not write."""
    for path in (db.parent, db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists() and not os.access(path, os.W_OK):
            return path
    return None


def _is_disk_full(exc: BaseException) -> bool:
    return write_cause(exc) == DISK_FULL


def db_refusal(db: Path, exc: BaseException) -> LocalEngineError:
    """The error the engine starts with instead of running on a database it cannot write."""
    if _is_disk_full(exc):
        return LocalEngineError(
            f"The local engine cannot write its database {db}: the disk is full ({exc}).",
            hint=f"Free some space on the disk holding {db.parent}, or pass another --data-dir.",
        )
    culprit = _unwritable(db)
    readonly = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY") or isinstance(exc, PermissionError)
    if culprit is not None or readonly:
        where = culprit or db
        return LocalEngineError(
            f"The local engine cannot write its database: permission denied on {where} (it is read-only to this user; {exc}).",
            hint=f"Make it writable by you (`chmod u+w {where}`; the data dir and every file in it must be yours) "
            "or pass another --data-dir.",
        )
    if isinstance(exc, sqlite3.DatabaseError):
        return LocalEngineError(
            f"The local engine's database {db} cannot be used: {exc}.",
            hint="Move the data dir aside (your outputs are under its jobs/ folder) or pass another --data-dir.",
        )
    return LocalEngineError(f"Cannot create the local engine's data dir {db.parent}: {exc}.", hint="Choose another --data-dir.")
