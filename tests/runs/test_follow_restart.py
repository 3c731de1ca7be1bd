"""A Run follows its job to the end across a restart of the local engine: run.wait() returns the job's true end state.

The engine is started as discovery starts it (``serve --socket-only``), here with a slow
file, and a Run follows a job on it. Then the engine goes away: killed (nobody restarts
it: the run's client finds the data dir's engine gone and starts a new one, which fails
the interrupted job), or stopped and started again by someone else on a new TCP port.
"""

from __future__ import annotations

import fcntl
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.local.engine_http import child_env, process_alive
from tests.polling import wait_until
from unstructured_nb.client import Client
from unstructured_nb.local.discovery import SPAWN_LOCK, stop_local_engine
from unstructured_nb.models import JobStatus
from unstructured_nb.runs import start_run

pytestmark = pytest.mark.engine


def engine_process(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    """``python -m unstructured_nb.local serve ARGS``, once its state file names it."""
    data_dir.mkdir(mode=0o700, exist_ok=True)
    log = open(data_dir.parent / f"{data_dir.name}.log", "ab")  # noqa: SIM115  # the child holds it
    proc = subprocess.Popen(
        [sys.executable, "-m", "unstructured_nb.local", "serve", "--data-dir", str(data_dir), "--workers", "1", *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=child_env(),
        start_new_session=True,
    )
    log.close()

    def ready() -> bool:
        try:
            return bool(json.loads((data_dir / "engine.json").read_text()).get("pid") == proc.pid)
        except (OSError, ValueError):
            return False

    wait_until(ready, 60, interval=0.05, what="the engine to start", proc=proc)
    return proc


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    try:
        yield path
    finally:
        stop_local_engine(path)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("A title\n\nA paragraph of text that the partitioner turns into an element.\n")
    return path


def test_wait_returns_the_end_of_a_job_whose_engine_was_killed(data_dir: Path, document: Path) -> None:
    slow = engine_process(data_dir, "--socket-only", "--file-delay", "60")
    client = Client(local_data_dir=data_dir)
    run = start_run("partition", [document], client=client, poll=0.2)
    wait_until(lambda: run.refresh().status == JobStatus.IN_PROGRESS, 30, what="the job to start")
    slow.kill()  # kill -9: nobody restarts it, the state file stays behind
    slow.wait()
    killed = time.monotonic()
    run.wait(timeout=60)
    took = time.monotonic() - killed
    print(f"engine killed -> run.wait() returned in {took:.2f} s")
    # the run's client started the data dir's engine again; it failed the interrupted job, and said why
    assert run.status == JobStatus.FAILED
    assert run.failed_files and all("stopped" in f.error for f in run.failed_files)
    state = json.loads((data_dir / "engine.json").read_text())
    assert state["pid"] != slow.pid and process_alive(state["pid"])


def test_wait_follows_a_job_to_an_engine_restarted_on_a_new_port(data_dir: Path, document: Path) -> None:
    slow = engine_process(data_dir, "--socket-only", "--file-delay", "60")
    client = Client(local_data_dir=data_dir)
    run = start_run("partition", [document], client=client, poll=0.2)
    wait_until(lambda: run.refresh().status == JobStatus.IN_PROGRESS, 30, what="the job to start")
    # someone restarts the engine by hand, on TCP (a new port) as well as its socket, holding the data dir's
    # spawn lock as discovery does (else the run's client, finding no engine, would start one first)
    with open(data_dir / SPAWN_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        slow.send_signal(signal.SIGTERM)  # a clean stop: the job goes back to the queue
        slow.wait(timeout=30)
        again = engine_process(data_dir, "--port", "0")
    try:
        restarted = time.monotonic()
        run.wait(timeout=60)
        print(f"engine restarted -> run.wait() returned in {time.monotonic() - restarted:.2f} s")
        assert run.status == JobStatus.COMPLETED  # the new engine ran the requeued job
        assert json.loads((data_dir / "engine.json").read_text())["pid"] == again.pid  # it used that engine
        frame = run.elements(quiet=True)
        assert "A paragraph of text" in " ".join(frame["text"])
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=30)
