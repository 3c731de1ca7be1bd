"""engine.json: written whole, read leniently (anything odd is no state), removed only by the engine it records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unstructured_nb.local.state_file import STATE_FILE, EngineState, read_state, remove_state, write_state


def test_round_trip(tmp_path: Path) -> None:
    state = EngineState(url="http://127.0.0.1:5", pid=42, data_dir=str(tmp_path), auth=True)
    write_state(tmp_path, state)
    assert read_state(tmp_path) == state
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        "url": "http://127.0.0.1:5",
        "pid": 42,
        "data_dir": str(tmp_path),
        "auth": True,
        "socket": None,
    }
    assert [p.name for p in tmp_path.iterdir()] == [STATE_FILE]  # no temporary file left


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[1, 2]", '"text"', json.dumps({"pid": 1}), json.dumps({"url": ""})],
)
def test_anything_else_is_no_state(tmp_path: Path, content: str) -> None:
    (tmp_path / STATE_FILE).write_text(content)
    assert read_state(tmp_path) is None


def test_missing_file_and_missing_dir(tmp_path: Path) -> None:
    assert read_state(tmp_path) is None
    assert read_state(tmp_path / "nope") is None


def test_odd_fields_are_dropped(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text(json.dumps({"url": "http://x", "pid": "12", "data_dir": 3, "auth": 1}))
    assert read_state(tmp_path) == EngineState(url="http://x", pid=None, data_dir=None, auth=True)
    (tmp_path / STATE_FILE).write_text(json.dumps({"url": "http://x", "pid": True}))
    assert read_state(tmp_path) == EngineState(url="http://x", pid=None)


def test_remove_only_what_the_pid_wrote(tmp_path: Path) -> None:
    write_state(tmp_path, EngineState(url="http://newer", pid=2))
    remove_state(tmp_path, pid=1)  # an older engine stopping must not remove a newer engine's file
    assert read_state(tmp_path) == EngineState(url="http://newer", pid=2)
    remove_state(tmp_path, pid=2)
    assert read_state(tmp_path) is None
    remove_state(tmp_path)  # nothing there: no error
