"""Data dirs are private: 0700 dirs, 0600 files from the first write, old modes tightened, foreign dirs and state refused."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from unstructured_nb.errors import LocalEngineError
from unstructured_nb.local.engine import Engine
from unstructured_nb.local.private_files import check_private, make_private_dir, open_private, tighten_tree
from unstructured_nb.local.state_file import STATE_FILE, EngineState, read_state, write_state


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_new_dirs_and_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        make_private_dir(tmp_path / "a" / "b" / "c")
        with open_private(tmp_path / "a" / "b" / "c" / "f.bin", "wb") as fh:
            fh.write(b"x")
    finally:
        os.umask(old)
    for part in ("a", "a/b", "a/b/c"):
        assert _mode(tmp_path / part) == 0o700, part
    assert _mode(tmp_path / "a/b/c/f.bin") == 0o600


def test_existing_wide_modes_are_tightened(tmp_path: Path) -> None:
    (tmp_path / "jobs" / "j1").mkdir(parents=True)
    (tmp_path / "jobs" / "j1" / "out.json").write_text("[]")
    for p in (tmp_path / "jobs", tmp_path / "jobs" / "j1"):
        os.chmod(p, 0o755)
    os.chmod(tmp_path / "jobs" / "j1" / "out.json", 0o644)
    tighten_tree(tmp_path)
    assert _mode(tmp_path / "jobs") == 0o700
    assert _mode(tmp_path / "jobs" / "j1") == 0o700
    assert _mode(tmp_path / "jobs" / "j1" / "out.json") == 0o600


def test_the_engine_makes_its_data_dir_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "old.log").write_text("x")
    os.chmod(data / "old.log", 0o644)
    engine = Engine(data, workers=1).open()
    try:
        engine.write_state_file("http://127.0.0.1:1")
        assert _mode(data) == 0o700
        for name in ("engine.db", "engine.lock", "engine.json", "old.log", "jobs"):
            assert _mode(data / name) in (0o600, 0o700), name
        for p in data.rglob("*"):  # -wal/-shm of SQLite included
            assert _mode(p) & 0o077 == 0, p
    finally:
        engine.close()


def test_state_file_is_written_0600(tmp_path: Path) -> None:
    write_state(tmp_path, EngineState(url="http://127.0.0.1:5", pid=1))
    assert _mode(tmp_path / STATE_FILE) == 0o600


def test_a_writable_dir_or_state_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text(json.dumps({"url": "http://127.0.0.1:5", "pid": 1}))
    os.chmod(tmp_path / STATE_FILE, 0o666)
    with pytest.raises(LocalEngineError, match="can be written by other users"):
        read_state(tmp_path)
    os.chmod(tmp_path / STATE_FILE, 0o600)
    os.chmod(tmp_path, 0o777)
    try:
        with pytest.raises(LocalEngineError, match="can be written by other users"):
            read_state(tmp_path)
    finally:
        os.chmod(tmp_path, 0o700)
    assert read_state(tmp_path) is not None


def test_a_symlinked_state_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.json").write_text(json.dumps({"url": "http://127.0.0.1:5", "pid": 1}))
    (tmp_path / STATE_FILE).symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(LocalEngineError, match="symbolic link"):
        check_private(tmp_path / STATE_FILE, directory=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another uid needs root")
def test_a_state_file_of_another_user_is_refused(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text(json.dumps({"url": "http://127.0.0.1:5", "pid": 1}))
    os.chown(tmp_path / STATE_FILE, 12345, 12345)
    with pytest.raises(LocalEngineError, match="belongs to another user"):
        read_state(tmp_path)
