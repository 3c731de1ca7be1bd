"""One shared engine per data dir: found through its state file, started when absent or stale, stoppable (mostly ``engine``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import child_env, process_alive
from unstructured_nb.config import ENV_DATA_DIR, ENV_URL
from unstructured_nb.errors import LocalEngineError
from unstructured_nb.local import serve
from unstructured_nb.local.discovery import (
    SharedEngine,
    default_data_dir,
    ensure_local_engine,
    resolve_data_dir,
    shown_path,
    stop_local_engine,
)
from unstructured_nb.local.idle import idle_timeout_from_env, shown_seconds

PROBE = "from unstructured_nb.local.discovery import ensure_local_engine as e; x = e({d!r}); print('ENGINE', x.url, x.pid)"


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "shared"
    yield d
    stop_local_engine(d)


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    monkeypatch.delenv(ENV_DATA_DIR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "unstructured_nb"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_data_dir() == Path.home() / ".local" / "share" / "unstructured_nb"


def _get(engine: SharedEngine, path: str) -> httpx.Response:
    """GET through the engine's Unix socket, as the notebook's clients do."""
    assert engine.socket
    with httpx.Client(transport=httpx.HTTPTransport(uds=engine.socket), timeout=30) as http:
        return http.get(engine.url + path)


def test_resolve_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_data_dir("rel") == tmp_path.resolve() / "rel"
    assert resolve_data_dir("~/x") == Path.home().resolve() / "x"
    monkeypatch.setenv(ENV_DATA_DIR, "env-dir")
    assert resolve_data_dir(None) == tmp_path.resolve() / "env-dir"


@pytest.mark.engine
def test_one_engine_reused_and_announced_once(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = ensure_local_engine(data_dir)
    second = ensure_local_engine(data_dir)
    assert first == second and first.pid and first.pid != os.getpid()
    out = capsys.readouterr().out
    assert out.count("unstructured_nb: using the local engine on this machine") == 1
    assert f"(data in {shown_path(first.data_dir)};" in out and ENV_URL in out and first.url not in out
    assert (
        f"it exits after {shown_seconds(idle_timeout_from_env())} without work" in out
        and "`unstructured-nb stop --data-dir" in out
    )  # how it ends
    assert first.url == "http://localhost" and first.socket
    assert _get(first, "/api/v1/workflows/").status_code == 200
    assert (data_dir / "engine.log").exists()

    assert stop_local_engine(data_dir) is True
    assert first.pid is not None and not process_alive(first.pid)
    assert not (data_dir / "engine.json").exists()
    assert stop_local_engine(data_dir) is False


@pytest.mark.engine
def test_two_processes_at_once_get_one_engine(data_dir: Path) -> None:
    env = child_env()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE.format(d=str(data_dir))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    lines = [next(line for line in out.splitlines() if line.startswith("ENGINE")) for out, _ in outs]
    assert lines[0] == lines[1], (lines, [err for _, err in outs])
    # and this process finds the same one
    url, pid = lines[0].split()[1:]
    found = ensure_local_engine(data_dir)
    assert found.url == url and found.pid == int(pid)
    # the engine outlives the processes that started it
    assert _get(found, "/healthz").status_code == 200


@pytest.mark.engine
def test_stale_state_file_is_replaced(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (data_dir / "engine.json").write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": dead.pid, "data_dir": str(data_dir)}))
    engine = ensure_local_engine(data_dir)
    assert engine.pid != dead.pid and engine.url != "http://127.0.0.1:9"
    assert json.loads((data_dir / "engine.json").read_text())["pid"] == engine.pid
    assert _get(engine, "/healthz").json()["status"] == "ok"


@pytest.mark.engine
def test_garbage_state_file_is_replaced(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "engine.json").write_text("{not json")
    engine = ensure_local_engine(data_dir)
    assert _get(engine, "/healthz").status_code == 200


def test_engine_that_cannot_start_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    with pytest.raises(LocalEngineError) as err:
        ensure_local_engine(blocker / "sub")
    assert "data dir" in str(err.value)


@pytest.mark.engine
def test_data_dir_held_by_an_in_process_engine(data_dir: Path) -> None:
    """An engine started with serve() holds the data dir; discovery says so instead of hanging."""
    with serve(data_dir=data_dir, workers=1), pytest.raises(LocalEngineError) as err:
        ensure_local_engine(data_dir)
    text = str(err.value)
    assert "Another local engine is already using the data dir" in text and "engine.log" in text
    assert "Traceback" not in text
