"""An idle engine exits by itself (no job, no request for the idle time) and the next client call starts it again."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import child_env, process_alive, wait_job
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.client import Client
from unstructured_nb.local.discovery import ensure_local_engine, stop_local_engine
from unstructured_nb.local.idle import ENV_IDLE_TIMEOUT, Activity, IdleWatch, parse_seconds, shown_seconds
from unstructured_nb.local.state_file import socket_path

SLOW_ONE_SECOND = ("--workers", "1", "--idle-timeout", "1", "--file-delay", "3")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_durations() -> None:
    assert parse_seconds("90") == 90 and parse_seconds("90s") == 90 and parse_seconds("30m") == 1800
    assert parse_seconds("2h") == 7200 and parse_seconds("7d") == 7 * 86400 and parse_seconds(" 1.5H ") == 5400
    for bad in ("", "soon", "-1h", "7x", "nan"):
        with pytest.raises(ValueError, match="duration"):
            parse_seconds(bad)
    assert shown_seconds(7200) == "2 h" and shown_seconds(90) == "90 s" and shown_seconds(1800) == "30 min"


def test_the_watch_waits_for_jobs_and_requests_to_end() -> None:
    clock, busy, fired = Clock(), [True], []
    activity = Activity(clock)
    watch = IdleWatch(10, activity, lambda: busy[0], lambda: fired.append(clock.now), clock=clock)
    clock.now += 60
    assert not watch.check()  # a job runs: never idle, however long
    busy[0] = False
    clock.now += 9
    assert not watch.check()  # idle since the job ended, 9 s ago... not yet
    activity.begin()  # a long upload
    clock.now += 30
    assert not watch.check()
    activity.end()
    clock.now += 9.5
    assert not watch.check()
    clock.now += 1
    assert watch.check() and fired == [clock.now] and watch.fired


@pytest.mark.engine
def test_an_idle_auto_engine_exits_and_the_next_client_starts_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv(ENV_IDLE_TIMEOUT, "1s")
    try:
        first = ensure_local_engine(data_dir)
        out = capsys.readouterr().out
        assert "it exits after 1 s without work" in out and f"unstructured-nb stop --data-dir {data_dir}" in out
        assert first.pid is not None
        stopped = time.monotonic()
        wait_until(lambda: not process_alive(first.pid or 0), 20, interval=0.05, what="the idle engine to exit")
        print(f"idle engine exited {time.monotonic() - stopped:.2f} s after it started (idle timeout 1 s)")
        assert not (data_dir / "engine.json").exists() and not socket_path(data_dir).exists()  # a clean exit
        assert "no job and no request for 1 s" in (data_dir / "engine.log").read_text()

        with Client(local_data_dir=data_dir) as client:  # starts it again
            assert {w.name for w in client.list_workflows()} >= {"partition"}
            second = json.loads((data_dir / "engine.json").read_text())["pid"]
            assert second != first.pid and process_alive(second)
    finally:
        stop_local_engine(data_dir)


@pytest.mark.engine
def test_a_running_job_keeps_the_engine_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--data-dir", str(data_dir), *SLOW_ONE_SECOND],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env(),
    )
    try:
        state = data_dir / "engine.json"
        url = wait_until(
            lambda: json.loads(state.read_text()).get("url") if state.exists() else None, 60, what="the start", proc=proc
        )
        with httpx.Client(base_url=url, timeout=30) as c:
            wf = next(w["id"] for w in c.get("/api/v1/workflows/").json() if w["name"] == "partition")
            job = c.post(f"/api/v1/workflows/{wf}/run", files=[("input_files", ("a.txt", sample(".txt")))]).json()
            # it stays up while the file takes its 3 s, far past the 1 s idle time, and the job completes
            assert wait_job(c, job["id"], timeout=30)["status"] == "COMPLETED"
        proc.wait(timeout=30)  # then it exits, 1 s later
        out = proc.stdout.read().decode() if proc.stdout else ""
        assert "It exits after 1 s without work" in out and "unstructured-nb stop --data-dir" in out
        assert "no job and no request for 1 s" in out and proc.returncode == 0
        assert not state.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
