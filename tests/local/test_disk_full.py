"""Disk full while a job writes its outputs: the file and its job end FAILED saying so, then the engine runs on.

For real: a small tmpfs (as root) holds the job folders, or the whole data dir with its
SQLite database, and is filled while a file is being processed. Skipped where mounting
is not permitted.
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.local.engine_http import run, wait_job, workflow_id
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.local import serve

pytestmark = pytest.mark.engine


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, unmounted at the end."""
    mnt = tmp_path / "small-disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root: the disk-full tests run as root (CI)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(disk: Path) -> Path:
    """Write a filler file until the disk is full; returns it (unlink it to free the space)."""
    filler = disk / "filler"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                return filler


def failed_files(c: httpx.Client, job_id: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = c.get(f"/api/v1/jobs/{job_id}/failed-files").json()["failed_files"]
    return out


def test_outputs_on_a_full_disk_fail_the_file_with_the_cause(tmp_path: Path, small_disk: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    jobs = data / "jobs"
    jobs.mkdir(mode=0o700)
    subprocess.run(["mount", "--bind", str(small_disk), str(jobs)], check=True)  # the job folders on the small disk
    try:
        with serve(data_dir=data, workers=1, file_delay=1.0) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
            wf = workflow_id(c)
            job = run(c, wf, [("a.txt", sample(".txt"))]).json()
            wait_job(c, job["id"], {"IN_PROGRESS"})
            filler = fill(jobs)
            filled = time.monotonic()
            try:
                ended = wait_job(c, job["id"], timeout=20)
                took = time.monotonic() - filled
                assert ended["status"] == "FAILED"
                [failed] = failed_files(c, job["id"])
                assert failed["document"] == "a.txt"
                assert "the disk is full" in failed["error"] and "No space left on device" in failed["error"]
                assert "permission" not in failed["error"]
                assert not list(jobs.rglob("*.tmp")), "a failed write leaves no partial output"
                assert all(j["status"] != "IN_PROGRESS" for j in c.get("/api/v1/jobs/").json())
            finally:
                filler.unlink()
            print(f"disk full -> job FAILED in {took:.2f} s")
            again = run(c, wf, [("b.txt", sample(".txt"))]).json()
            assert wait_job(c, again["id"])["status"] == "COMPLETED"
    finally:
        subprocess.run(["umount", "-l", str(jobs)], check=False)


def test_outputs_on_a_read_only_file_system_say_so_not_disk_full(tmp_path: Path, small_disk: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    jobs = data / "jobs"
    jobs.mkdir(mode=0o700)
    subprocess.run(["mount", "--bind", str(small_disk), str(jobs)], check=True)
    try:
        with serve(data_dir=data, workers=1, file_delay=1.0) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
            wf = workflow_id(c)
            job = run(c, wf, [("a.txt", sample(".txt"))]).json()
            wait_job(c, job["id"], {"IN_PROGRESS"})
            remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(jobs)], capture_output=True)
            if remount.returncode != 0:
                pytest.skip(f"cannot remount read-only here: {remount.stderr.decode(errors='replace').strip()}")
            try:
                ended = wait_job(c, job["id"], timeout=20)
                assert ended["status"] == "FAILED"
                [failed] = failed_files(c, job["id"])
                assert "the file system is read-only" in failed["error"] and "Read-only file system" in failed["error"]
                assert "disk is full" not in failed["error"] and "Free some space" not in failed["error"]
            finally:
                subprocess.run(["mount", "-o", "remount,bind,rw", str(jobs)], check=True)
            again = run(c, wf, [("b.txt", sample(".txt"))]).json()
            assert wait_job(c, again["id"])["status"] == "COMPLETED"
    finally:
        subprocess.run(["umount", "-l", str(jobs)], check=False)


def test_a_full_data_dir_with_its_database_ends_the_job_once_space_is_freed(small_disk: Path) -> None:
    data = small_disk / "data"
    with serve(data_dir=data, workers=1, file_delay=1.0) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        wf = workflow_id(c)
        job = run(c, wf, [("a.txt", sample(".txt")), ("b.txt", sample(".txt"))]).json()
        wait_job(c, job["id"], {"IN_PROGRESS"})
        filler = fill(small_disk)
        try:
            # the outputs cannot be written, and neither can the database record that they failed
            wait_until(lambda: srv.engine.jobs.deferred.pending, 20, what="the database to refuse the file's outcome")
            assert c.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "IN_PROGRESS"  # the database still says so
            renamed = c.put(f"/api/v1/workflows/{wf}", json={"name": "renamed"})  # a database write only
            assert renamed.status_code == 507 and "database" in renamed.json()["detail"], renamed.text
            assert "the disk is full" in renamed.json()["detail"]
            refused = run(c, wf, [("c.txt", sample(".txt"))])  # a new run is refused, saying why
            assert refused.status_code == 507 and "the disk is full" in refused.json()["detail"], refused.text
        finally:
            filler.unlink()
        freed = time.monotonic()
        ended = wait_job(c, job["id"], timeout=20)  # the kept outcomes are recorded as soon as space is back
        took = time.monotonic() - freed
        print(f"space freed -> job ended in {took:.2f} s")
        assert ended["status"] in ("FAILED", "COMPLETED")
        failed = failed_files(c, job["id"])
        assert failed and all("the disk is full" in f["error"] for f in failed)
        assert srv.engine.jobs.deferred.pending == 0
    # restarted on the same (now roomy) data dir: nothing is left running, and new jobs run
    with serve(data_dir=data, workers=1) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        assert all(j["status"] not in ("IN_PROGRESS", "SCHEDULED") for j in c.get("/api/v1/jobs/").json())
        assert c.get(f"/api/v1/jobs/{job['id']}").json()["status"] == ended["status"]
        again = run(c, workflow_id(c), [("c.txt", sample(".txt"))]).json()
        assert wait_job(c, again["id"])["status"] == "COMPLETED"


def test_a_job_left_in_progress_by_a_full_disk_is_finished_at_the_next_start(small_disk: Path) -> None:
    """The engine stops while the database still refuses the outcome: the next start ends the job, with a message."""
    data = small_disk / "data"
    with serve(data_dir=data, workers=1, file_delay=1.0) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        job = run(c, workflow_id(c), [("a.txt", sample(".txt"))]).json()
        wait_job(c, job["id"], {"IN_PROGRESS"})
        filler = fill(small_disk)
        try:
            wait_until(lambda: srv.engine.jobs.deferred.pending, 20, what="the database to refuse the file's outcome")
            srv.stop()  # still full: the outcome cannot be recorded, the job stays IN_PROGRESS in the database
        finally:
            filler.unlink()
    with serve(data_dir=data, workers=1) as srv, httpx.Client(base_url=srv.url, timeout=30) as c:
        ended = c.get(f"/api/v1/jobs/{job['id']}").json()
        assert ended["status"] == "FAILED"
        assert "stopped while this job was running" in c.get(f"/api/v1/jobs/{job['id']}/details").json()["message"]
        assert failed_files(c, job["id"])
