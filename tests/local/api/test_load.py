"""Load: 100 runs submitted at once, 3 files each; every output identical to a sequential run's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.local.engine_http import TERMINAL, run, wait_job, workflow_id
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.local import EngineServer

pytestmark = pytest.mark.engine

N_RUNS = 100
FILES = [("report.txt", sample(".txt")), ("notes.md", sample(".md")), ("page.html", sample(".html"))]


def _outputs(c: httpx.Client, job: dict[str, Any]) -> list[Any]:
    out = []
    for o in sorted(job["output_node_files"], key=lambda o: (job["input_file_ids"].index(o["file_id"]), o["node_type"])):
        r = c.get(f"/api/v1/jobs/{job['id']}/download", params={"file_id": o["file_id"], "node_id": o["node_id"]})
        assert r.status_code == 200
        out.append((o["node_type"], r.json()))
    return out


def test_hundred_concurrent_runs(engine: EngineServer) -> None:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    with httpx.Client(base_url=engine.url, timeout=60, limits=limits) as c:
        wf = workflow_id(c, "partition-and-chunk")
        reference_job = wait_job(c, run(c, wf, FILES).json()["id"])
        assert reference_job["status"] == "COMPLETED"
        reference = _outputs(c, reference_job)
        assert len(reference) == 6 and all(elements for _, elements in reference)

        def submit(_: int) -> str:
            r = run(c, wf, FILES)
            assert r.status_code == 202, r.text
            return str(r.json()["id"])

        with ThreadPoolExecutor(max_workers=25) as pool:
            ids = list(pool.map(submit, range(N_RUNS)))
        assert len(set(ids)) == N_RUNS

        def all_done() -> list[dict[str, Any]] | None:
            jobs = {j["id"]: j for j in c.get("/api/v1/jobs/", params={"workflow_id": wf}).json()}
            mine = [jobs[i] for i in ids]
            return mine if all(j["status"] in TERMINAL for j in mine) else None

        jobs = wait_until(all_done, 180, interval=0.2, what="all 100 jobs to finish")
        assert jobs is not None and {j["status"] for j in jobs} == {"COMPLETED"}

        def check(job: dict[str, Any]) -> bool:
            assert len(job["input_file_ids"]) == 3 and len(job["output_node_files"]) == 6
            assert _outputs(c, job) == reference
            details = c.get(f"/api/v1/jobs/{job['id']}/details").json()
            assert details["processing_status"] == "SUCCESS"
            return True

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert all(pool.map(check, jobs))
