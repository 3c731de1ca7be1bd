"""Done when: a 200-file on-demand run against the local engine, under the platform's limits, shows as one run and completes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from unstructured_nb.client import Client
from unstructured_nb.local import serve
from unstructured_nb.models import JobStatus
from unstructured_nb.quotas import PLATFORM_LIMITS
from unstructured_nb.render.text import runs_text
from unstructured_nb.runs import start_job
from unstructured_nb.runs.launcher import LaunchGate

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def test_two_hundred_files_become_twenty_jobs_followed_as_one_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(200):
        (docs / f"note{i:03d}.md").write_text(f"# Note {i}\n\nSite {i % 7} had {i} shorebirds and {i % 5} boats.\n")
    with serve(data_dir=tmp_path / "engine", workers=2) as server, Client(server.url) as client:
        run = start_job([str(docs)], client=client, gate=LaunchGate(), chunk="by_title", embed="local")
        run.wait(timeout=600)
        text = runs_text([run.snapshot()], max_rows=100)
        elements = run.elements()
        engine_jobs = server.engine.store.list_jobs()
    assert run.status == JobStatus.COMPLETED and run.finished
    snapshot = run.snapshot()
    assert len(snapshot.jobs) == 20 and all(j.status == "COMPLETED" for j in snapshot.jobs)
    assert snapshot.outputs == 200 and len(snapshot.files) == 200
    (total,) = [line for line in text.splitlines() if line.startswith("total: ")]
    assert total.startswith("total: 20/20 jobs") and "200 files" in total and "COMPLETED" in total
    assert len(elements) == 200 and elements["embeddings"].map(len).eq(256).all()
    created = sorted(j.created_at for j in engine_jobs)
    assert len(created) == 20
    spacing = [(b - a).total_seconds() for a, b in itertools.pairwise(created)]
    assert min(spacing) >= PLATFORM_LIMITS.launch_interval * 0.99  # the engine would have answered 429 otherwise
