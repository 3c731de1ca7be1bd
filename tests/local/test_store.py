"""The SQLite store: workflows, jobs and files, and transitions where the first writer wins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from unstructured_nb.local.rows import JobRow, WorkflowRow
from unstructured_nb.local.store import Store

NODES = [{"id": "n1", "type": "partition", "name": "Partitioner", "subtype": "unstructured_api", "settings": {}}]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "engine.db")
    yield s
    s.close()


def _workflow(store: Store, name: str = "wf") -> WorkflowRow:
    return store.create_workflow(name=name, workflow_type="custom", nodes=NODES)


def _job(store: Store, wf: WorkflowRow, job_id: str, n_files: int = 2) -> JobRow:
    files = [(f"{job_id}-f{i}", f"doc{i}.txt", f"jobs/{job_id}/inputs/{i}.txt", 10 + i) for i in range(n_files)]
    return store.create_job(job_id=job_id, workflow=wf, files=files)


def test_workflows(store: Store) -> None:
    wf = _workflow(store)
    assert store.get_workflow(wf.id) == wf and wf.status == "active" and wf.updated_at is None
    assert wf.created_at.tzinfo is not None
    renamed = store.update_workflow(wf.id, {"name": "renamed", "reprocess_all": True, "nodes": NODES * 2})
    assert renamed is not None and renamed.name == "renamed" and renamed.reprocess_all and len(renamed.nodes) == 2
    assert renamed.updated_at is not None
    with pytest.raises(KeyError):
        store.update_workflow(wf.id, {"id": "other"})
    assert store.update_workflow("missing", {"name": "x"}) is None
    assert [w.id for w in store.list_workflows()] == [wf.id]
    assert store.delete_workflow(wf.id) and not store.delete_workflow(wf.id)
    assert store.get_workflow(wf.id) is None


def test_a_job_and_its_files(store: Store) -> None:
    wf = _workflow(store)
    job = _job(store, wf, "j1")
    assert (job.status, job.workflow_name, job.nodes, job.started_at) == ("SCHEDULED", "wf", NODES, None)
    files = store.job_files("j1")
    assert [(f.name, f.idx, f.size, f.status, f.done_nodes) for f in files] == [
        ("doc0.txt", 0, 10, "ready", 0),
        ("doc1.txt", 1, 11, "ready", 0),
    ]
    assert store.get_file("j1", "j1-f1") == files[1] and store.get_file("other", "j1-f1") is None
    assert store.job_ids() == {"j1"}
    assert [j.id for j in store.list_jobs(workflow_id=wf.id)] == ["j1"]
    assert store.list_jobs(status="COMPLETED") == []


def test_transitions_happen_once(store: Store) -> None:
    job = _job(store, _workflow(store), "j1")
    assert store.start_file("j1-f0") and not store.start_file("j1-f0")
    assert store.start_job(job.id) and not store.start_job(job.id)
    store.node_done("j1-f0", 1)
    assert store.finish_file("j1-f0", "success", done_nodes=1, warnings=["w"])
    assert not store.finish_file("j1-f0", "failure", error="late")  # already final: the first writer won
    done = store.get_file("j1", "j1-f0")
    assert done is not None and done.warnings == ["w"]
    assert store.count_pending("j1") == 1
    assert store.finish_job(job.id, "STOPPED", "Stopped by a cancel request.")
    assert not store.finish_job(job.id, "COMPLETED")  # a file finishing after the cancel cannot undo it
    assert store.stop_pending_files(job.id, "Not processed.") == 1
    stopped = store.get_job(job.id)
    assert stopped is not None and stopped.status == "STOPPED" and stopped.finished_at and stopped.started_at
    assert store.count_pending("j1") == 0


def test_requeue_after_a_clean_stop(store: Store) -> None:
    job = _job(store, _workflow(store), "j1")
    store.start_file("j1-f0")
    store.node_done("j1-f0", 1)
    store.start_job(job.id)
    store.requeue_job(job.id)
    requeued = store.get_job(job.id)
    assert requeued is not None and requeued.status == "SCHEDULED"
    assert [(f.status, f.done_nodes) for f in store.pending_files(job.id)] == [("ready", 0), ("ready", 0)]
    assert [j.id for j in store.jobs_with_status("SCHEDULED", "IN_PROGRESS")] == ["j1"]


def test_files_for_many_jobs(store: Store) -> None:
    wf = _workflow(store)
    ids = [f"job-{i:04d}" for i in range(620)]  # more than one chunk of SQLite variables
    for job_id in ids:
        _job(store, wf, job_id, n_files=1)
    files = store.files_for_jobs([*ids, "unknown"])
    assert len(files) == 621 and files["unknown"] == []
    assert all([f.id for f in files[j]] == [f"{j}-f0"] for j in ids)
    assert store.files_for_jobs([]) == {}
    assert [j.id for j in store.list_jobs()][:2] == ["job-0619", "job-0618"]  # newest first


def test_meta_and_reopening(tmp_path: Path) -> None:
    first = Store(tmp_path / "engine.db")
    first.set_meta("seeded", "1")
    first.set_meta("seeded", "2")
    _workflow(first)
    first.close()
    again = Store(tmp_path / "engine.db")
    try:
        assert again.get_meta("seeded") == "2" and again.get_meta("absent") is None
        assert len(again.list_workflows()) == 1
    finally:
        again.close()
