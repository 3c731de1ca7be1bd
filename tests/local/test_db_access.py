"""A database the engine cannot write: it refuses to start, naming the file and the cause (permission or disk)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from unstructured_nb.errors import LocalEngineError
from unstructured_nb.local.db_access import db_refusal
from unstructured_nb.local.engine import Engine


@pytest.fixture
def read_only() -> Iterator[list[Path]]:
    """Make files read-only to this process: chmod as a normal user, ``chattr +i`` as root (root ignores modes)."""
    made: list[Path] = []
    yield made
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        else:
            path.chmod(0o600)


def _make_read_only(path: Path, made: list[Path]) -> None:
    if os.geteuid() != 0:
        path.chmod(0o400)
    elif not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("as root a file is read-only only with chattr +i, which this file system does not support")
    made.append(path)


def _started(data: Path) -> None:
    Engine(data, workers=1).open().close()


def test_a_read_only_db_refuses_the_start_naming_the_file_and_permission(tmp_path: Path, read_only: list[Path]) -> None:
    data = tmp_path / "engine"
    _started(data)
    db = data / "engine.db"
    _make_read_only(db, read_only)
    with pytest.raises(LocalEngineError) as info:
        Engine(data, workers=1).open()
    text = str(info.value)
    assert str(db) in text and "permission denied" in text and "chmod u+w" in text, text
    assert "disk is full" not in text and "free" not in text.lower(), text


def test_a_read_only_shm_file_refuses_the_start_and_fixing_it_is_enough(tmp_path: Path, read_only: list[Path]) -> None:
    data = tmp_path / "engine"
    _started(data)
    shm = data / "engine.db-shm"
    shm.write_bytes(b"")
    shm.chmod(0o600)
    _make_read_only(shm, read_only)
    with pytest.raises(LocalEngineError) as info:
        Engine(data, workers=1).open()
    text = str(info.value)
    assert "permission denied" in text and str(shm) in text, text
    # made writable again, the engine starts (nothing left broken by the failed start)
    for path in read_only:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o600)
    read_only.clear()
    engine = Engine(data, workers=1).open()
    try:
        assert engine.store.list_workflows()  # the seeded workflows are still there
    finally:
        engine.close()


@pytest.mark.parametrize(
    "exc",
    [OSError(errno.ENOSPC, "No space left on device"), sqlite3.OperationalError("database or disk is full")],
)
def test_a_full_disk_is_named_as_such_not_as_permission(tmp_path: Path, exc: BaseException) -> None:
    db = tmp_path / "engine.db"
    db.write_bytes(b"")
    text = str(db_refusal(db, exc))
    assert str(db) in text and "the disk is full" in text and "Free some space" in text, text
    assert "permission" not in text, text


def test_a_corrupt_db_is_named_with_its_cause(tmp_path: Path) -> None:
    db = tmp_path / "engine.db"
    db.write_bytes(b"")
    text = str(db_refusal(db, sqlite3.DatabaseError("file is not a database")))
    assert str(db) in text and "file is not a database" in text and "permission" not in text, text
