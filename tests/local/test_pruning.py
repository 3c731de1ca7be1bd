"""Pruning: old ended jobs go (uploads, outputs, rows), running ones stay whatever their age, and it says what it freed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import child_env, files_under, run, wait_job, workflow_id
from tests.local.samples import sample
from unstructured_nb.local import PruneReport, prune, serve


def prune_command(age: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``unstructured-nb prune --older-than AGE`` in a fresh interpreter, as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "unstructured_nb", "prune", "--older-than", age, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )


def backdate(data_dir: Path, job_id: str, days: float) -> None:
    """Make a job look ``days`` old (created and, if it ended, finished then)."""
    then = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()
    with sqlite3.connect(data_dir / "engine.db") as db:
        db.execute(
            "UPDATE jobs SET created_at=?, finished_at=CASE WHEN finished_at IS NULL THEN NULL ELSE ? END WHERE id=?",
            (then, then, job_id),
        )


def test_nothing_to_prune_in_an_unused_data_dir(tmp_path: Path) -> None:
    report = prune("7d", tmp_path / "never-used")
    assert report == PruneReport(tmp_path.resolve() / "never-used", 7 * 86400, 0, 0, 0)
    assert "Nothing to prune" in str(report) and "7 d" in str(report)
    assert not (tmp_path / "never-used").exists()  # nothing was created
    with pytest.raises(ValueError, match="duration"):
        prune("a week", tmp_path)


@pytest.mark.engine
def test_old_ended_jobs_go_running_ones_stay(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve(data_dir=data, workers=1) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        wf = workflow_id(c, "partition-and-chunk")
        old = wait_job(c, run(c, wf, [("old.txt", sample(".txt")), ("old.html", sample(".html"))]).json()["id"])
        recent = wait_job(c, run(c, wf, [("recent.txt", sample(".txt"))]).json()["id"])
    backdate(data, old["id"], 10)
    old_dir, recent_dir = data / "jobs" / old["id"], data / "jobs" / recent["id"]
    old_files = files_under(old_dir)
    old_bytes = sum(p.stat().st_size for p in old_files)
    assert len(old_files) == 2 + 2 * 2  # two uploads, two nodes' outputs of each

    with serve(data_dir=data, workers=1, file_delay=60) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        running = run(c, workflow_id(c), [("running.txt", sample(".txt"))]).json()
        wait_job(c, running["id"], {"IN_PROGRESS"})
        backdate(data, running["id"], 30)  # old, but running: never pruned

        dry = prune("7d", data, dry_run=True)
        assert dry.jobs == 1 and old_dir.exists() and "Would remove 1 job" in str(dry)
        report = prune(timedelta(days=7), data)  # while the engine runs
        assert (report.jobs, report.files) == (1, len(old_files))
        assert report.bytes == old_bytes > 0
        assert str(report).startswith("Removed 1 job that ended more than 7 d ago from ")

        assert not old_dir.exists() and recent_dir.exists()
        assert c.get(f"/api/v1/jobs/{old['id']}").status_code == 404  # the jobs list stays honest
        listed = {j["id"] for j in c.get("/api/v1/jobs/").json()}
        assert old["id"] not in listed and {recent["id"], running["id"]} <= listed
        assert c.get(f"/api/v1/jobs/{running['id']}").json()["status"] == "IN_PROGRESS"
        download = c.get(f"/api/v1/jobs/{recent['id']}/download", params={"file_id": recent["input_file_ids"][0]})
        assert download.status_code == 200

        # the command: everything ended is older than 0 s, the running job still stays
        cli = prune_command("0s", data)
        assert cli.returncode == 0, cli.stderr
        assert "Removed 1 job that ended more than 0 s ago" in cli.stdout and "3 files" in cli.stdout
        assert not recent_dir.exists() and (data / "jobs" / running["id"]).exists()
        assert c.get(f"/api/v1/jobs/{running['id']}").json()["status"] == "IN_PROGRESS"

        bad = prune_command("soon", data)
        assert bad.returncode == 2 and "not a duration" in bad.stderr and "Traceback" not in bad.stderr
