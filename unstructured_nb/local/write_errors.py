"""Why the engine could not write a file or its database, in one sentence: disk full, permission denied or read-only.

The fixes differ (free space; make it yours; remount or move the data dir), so every
message names the cause read from the error itself: ``errno`` for an ``OSError``
(ENOSPC/EDQUOT, EACCES/EPERM, EROFS) and SQLite's error name for a database error.
Standard library only.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

__all__ = ["DISK_FULL", "OTHER", "PERMISSION", "READ_ONLY", "write_cause", "write_failure"]

DISK_FULL = "disk full"
PERMISSION = "permission denied"
READ_ONLY = "read-only"
OTHER = "other"

_ERRNOS = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EACCES: PERMISSION,
    errno.EPERM: PERMISSION,
    errno.EROFS: READ_ONLY,
}


def write_cause(exc: BaseException) -> str:
    """:data:`DISK_FULL`, :data:`PERMISSION`, :data:`READ_ONLY` or :data:`OTHER` for a failed write."""
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno or 0, OTHER)
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc).lower()
        if name == "SQLITE_FULL" or "disk is full" in text:
            return DISK_FULL
        if name.startswith("SQLITE_READONLY") or "readonly database" in text:
            return READ_ONLY if name in ("SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_RECOVERY") else PERMISSION
        if name == "SQLITE_PERM" or name.startswith("SQLITE_CANTOPEN"):
            return PERMISSION
    return OTHER


def write_failure(what: str, where: Path | str, exc: BaseException) -> str:
    """A one-paragraph message: ``what`` could not be written at ``where``, why, and what to do."""
    cause = write_cause(exc)
    detail = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    folder = Path(where).parent if Path(where).suffix else Path(where)
    if cause == DISK_FULL:
        return (
            f"The local engine could not write {what} ({where}): the disk is full ({detail}). Free some space on the "
            f"disk holding {folder} (`unstructured-nb prune --older-than 7d` removes old jobs' files) "
            "or start the engine with another --data-dir, then run it again."
        )
    if cause == PERMISSION:
        return (
            f"The local engine could not write {what} ({where}): permission denied ({detail}). The data dir and "
            "every file in it must be writable by the user running the engine: fix the permissions "
            f"(`chmod -R u+w {folder}`) or start the engine with another --data-dir, then run it again."
        )
    if cause == READ_ONLY:
        return (
            f"The local engine could not write {what} ({where}): the file system is read-only ({detail}). Remount it "
            "read-write or start the engine with another --data-dir, then run it again."
        )
    return f"The local engine could not write {what} ({where}): {detail}."
