"""Failed writes are told apart by their cause: disk full, permission denied, read-only, with what to do for each."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from unstructured_nb.local.write_errors import DISK_FULL, OTHER, PERMISSION, READ_ONLY, write_cause, write_failure


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.ENOSPC, DISK_FULL),
        (errno.EDQUOT, DISK_FULL),
        (errno.EACCES, PERMISSION),
        (errno.EPERM, PERMISSION),
        (errno.EROFS, READ_ONLY),
        (errno.EIO, OTHER),
    ],
)
def test_os_errors_by_errno(code: int, cause: str) -> None:
    assert write_cause(OSError(code, "x")) == cause


def test_each_cause_says_its_own_fix(tmp_path: Path) -> None:
    target = tmp_path / "jobs" / "j" / "outputs" / "f" / "0.json"
    full = write_failure("the output", target, OSError(errno.ENOSPC, "No space left on device"))
    assert "the disk is full (No space left on device)" in full and str(target.parent) in full and "prune" in full
    denied = write_failure("the output", target, PermissionError(errno.EACCES, "Permission denied"))
    assert "permission denied" in denied and "disk is full" not in denied and "chmod" in denied
    readonly = write_failure("the output", target, OSError(errno.EROFS, "Read-only file system"))
    assert "read-only" in readonly and "disk is full" not in readonly and "chmod" not in readonly


def test_a_real_read_only_database_is_not_called_full(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        ro.execute("INSERT INTO t VALUES (1)")
    assert write_cause(caught.value) in (PERMISSION, READ_ONLY)
    assert "disk is full" not in write_failure("a job update", db, caught.value)
