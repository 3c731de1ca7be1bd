"""Restart safety: kill -9 the engine (started with the CLI) mid-job, start it again on the same data dir."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.local.engine_http import child_env, process_alive, run, wait_job, workflow_id
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.local import serve

pytestmark = pytest.mark.engine


class CliEngine:
    """``python -m unstructured_nb.local serve`` as a subprocess; its URL comes from the state file."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.log: IO[bytes] = open(data_dir.parent / f"{data_dir.name}-cli.log", "ab")  # noqa: SIM115  # closed by close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--data-dir", str(data_dir), *args],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=child_env(),
        )
        state_file = data_dir / "engine.json"

        def ready() -> str | None:
            try:
                state = json.loads(state_file.read_text())
            except (OSError, ValueError):
                return None
            if state.get("pid") != self.proc.pid:
                return None
            try:
                return str(state["url"]) if httpx.get(state["url"] + "/healthz").status_code == 200 else None
            except httpx.HTTPError:
                return None

        url = wait_until(ready, 60, interval=0.05, what="the engine to start", proc=self.proc)
        assert url is not None
        self.url = url
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def children(self) -> list[int]:
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                out.append(int(stat.parent.name))
        return out

    def close(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_kill_mid_job_then_restart(data_dir: Path) -> None:
    # 1. a normal engine finishes a job, and stops cleanly (SIGTERM)
    first = CliEngine(data_dir, "--workers", "1")
    try:
        wf = workflow_id(first.client, "partition-and-chunk")
        done = wait_job(first.client, run(first.client, wf, [("a.txt", sample(".txt"))]).json()["id"])
        assert done["status"] == "COMPLETED"
        output = first.client.get(f"/api/v1/jobs/{done['id']}/download", params={"file_id": done["input_file_ids"][0]}).json()
    finally:
        first.close()
    assert first.proc.returncode == 0
    assert not (data_dir / "engine.json").exists()  # a clean stop removes its state file

    # 2. a slow engine is killed -9 with one job running and one queued
    slow = CliEngine(data_dir, "--workers", "1", "--file-delay", "120")
    try:
        running = run(slow.client, wf, [("b.txt", sample(".txt")), ("c.txt", sample(".txt"))]).json()
        queued = run(slow.client, wf, [("d.txt", sample(".txt"))]).json()
        wait_job(slow.client, running["id"], {"IN_PROGRESS"})
        workers = slow.children()
        assert workers, "the engine has worker processes"
        slow.proc.kill()
        slow.proc.wait()
        # its workers die with it (no orphan keeps partitioning)
        wait_until(lambda: not any(process_alive(p) for p in workers), 10, what="the workers to exit")
    finally:
        slow.close()

    # 3. restarted on the same data dir
    again = CliEngine(data_dir, "--workers", "1")
    try:
        c = again.client
        kept = c.get(f"/api/v1/jobs/{done['id']}").json()
        assert kept["status"] == "COMPLETED" and kept["output_node_files"] == done["output_node_files"]
        assert c.get(f"/api/v1/jobs/{done['id']}/download", params={"file_id": done["input_file_ids"][0]}).json() == output

        interrupted = c.get(f"/api/v1/jobs/{running['id']}").json()
        assert interrupted["status"] == "FAILED"
        details = c.get(f"/api/v1/jobs/{running['id']}/details").json()
        assert details["processing_status"] == "FAILED" and "interrupted" in details["message"]
        failed = c.get(f"/api/v1/jobs/{running['id']}/failed-files").json()["failed_files"]
        assert {f["document"] for f in failed} == {"b.txt", "c.txt"} and all("stopped" in f["error"] for f in failed)

        # the job that had not started yet runs now
        resumed = wait_job(c, queued["id"])
        assert resumed["status"] == "COMPLETED"
        assert c.get(f"/api/v1/jobs/{queued['id']}/download", params={"file_id": resumed["input_file_ids"][0]}).status_code == 200
    finally:
        again.close()


def test_second_engine_on_same_data_dir_is_refused(data_dir: Path) -> None:
    first = CliEngine(data_dir, "--workers", "1")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "unstructured_nb.local", "serve", "--port", "0", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            env=child_env(),
            timeout=60,
        )
        assert second.returncode == 1
        assert "Another local engine is already using the data dir" in second.stderr and first.url in second.stderr
        assert "Traceback" not in second.stderr
        assert first.client.get("/healthz").status_code == 200
    finally:
        first.close()


def test_clean_stop_resumes_running_jobs(data_dir: Path) -> None:
    """A clean stop (not a crash) loses nothing: the interrupted job runs again at the next start."""
    with serve(data_dir=data_dir, workers=1, file_delay=120) as slow, httpx.Client(base_url=slow.url) as c:
        wf = workflow_id(c)
        job = run(c, wf, [("a.txt", sample(".txt")), ("b.txt", sample(".txt"))]).json()
        wait_job(c, job["id"], {"IN_PROGRESS"})
    # an upload folder without a job (an engine that died mid-upload) is cleaned up at the next start
    orphan = data_dir / "jobs" / "00000000-0000-4000-8000-000000000000" / "inputs"
    orphan.mkdir(parents=True)
    (orphan / "x.txt").write_text("partial")
    with serve(data_dir=data_dir, workers=1) as again, httpx.Client(base_url=again.url) as c:
        done = wait_job(c, job["id"])
        assert done["status"] == "COMPLETED" and len(done["output_node_files"]) == 2
        details = c.get(f"/api/v1/jobs/{job['id']}/details").json()
        assert details["processing_status"] == "SUCCESS"
    assert not orphan.parent.exists()
