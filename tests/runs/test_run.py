"""The Run handle: start, wait, await, cancel, outputs and elements, against the fake API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.errors import JobNotCompletedError, WaitTimeoutError
from unstructured_nb.models import Job, JobStatus
from unstructured_nb.render.tables import STATUS_COLUMNS
from unstructured_nb.runs import Run, attach, start_run

from .conftest import job_run, quick_tracker, workflow


def test_start_run_and_wait_with_the_real_thread(fake: FakeAPI, client: Client, tmp_path: Path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 x")
    run = start_run("partition", [str(tmp_path / "a.pdf")], client=client, track=False)
    assert run.track(quick_tracker()).wait(timeout=10) is run
    assert run.done and run.finished and run.status == JobStatus.COMPLETED
    assert run.files == ["a.pdf"] and run.workflow_name == "partition"
    (post,) = fake.calls("POST", r"/api/v1/workflows/.*/run")
    assert [(p.name, p.filename, p.data) for p in post.parts()] == [("input_files", "a.pdf", b"%PDF-1.4 x")]


def test_await_run_in_async_code(fake: FakeAPI, client: Client):
    run = job_run(fake, client, ["IN_PROGRESS", "COMPLETED"], tracker=quick_tracker())

    async def waited() -> Run:
        return await run

    result = asyncio.run(asyncio.wait_for(waited(), 10))
    assert result is run and run.status == JobStatus.COMPLETED


def test_wait_timeout_says_the_job_still_runs_and_cancel_stops_it(fake: FakeAPI, client: Client):
    from unstructured_nb import hints

    run = job_run(fake, client, ["IN_PROGRESS"], tracker=quick_tracker())
    hints.speak("python")
    try:
        with pytest.raises(WaitTimeoutError) as info:
            run.wait(timeout=0.3)
    finally:
        hints.speak("auto")
    assert "still" in str(info.value) and "run.cancel()" in str(info.value)
    assert f"unstructured_nb.attach({run.job_id!r})" in str(info.value)  # plain Python's words (no IPython here)
    run.cancel()
    run.wait(timeout=10)
    assert run.status == JobStatus.STOPPED


def test_follow_yields_snapshots_until_the_end(fake: FakeAPI, client: Client):
    run = job_run(fake, client, ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"], tracker=quick_tracker())
    snapshots = list(run.follow(interval=0.01, timeout=10))
    assert snapshots[-1].finished and snapshots[-1].status == "COMPLETED"
    assert not snapshots[0].finished


def test_attach_to_a_finished_job_fetches_its_final_state_once(fake: FakeAPI, client: Client):
    job = fake.add_job(workflow(fake), ["x.md"], status="FAILED")
    fake.failed[job["id"]] = [{"document": "x.md", "error": "broken"}]
    run = attach(job["id"], client=client)
    assert run.finished and run.status == JobStatus.FAILED
    assert run.failed_files is not None and run.failed_files[0].error == "broken"


def completed_run(fake: FakeAPI, client: Client) -> Run:
    job = fake.add_job(workflow(fake), ["a.pdf"], status="COMPLETED")
    job["runtime"] = "PT2.5S"
    fake.outputs[(job["input_file_ids"][0], "n-partition")] = [
        {
            "type": "Title",
            "element_id": "e1",
            "text": "Hello",
            "metadata": {"filename": "a.pdf", "page_number": 1, "languages": ["eng"], "data_source": {"url": "x"}},
        },
        {"type": "NarrativeText", "element_id": "e2", "text": "World", "metadata": {"filename": "a.pdf", "page_number": 2}},
        {"type": "NarrativeText", "element_id": "e3", "text": "No page", "metadata": {"filename": "a.pdf"}},
    ]
    run = Run(Job.from_api(job), client, files=["a.pdf"])
    run.finish()
    return run


def test_outputs_are_cached_and_elements_flattened(fake: FakeAPI, client: Client):
    run = completed_run(fake, client)
    out = run.outputs()
    assert list(out) == ["a.pdf"] and list(out["a.pdf"]) == ["Partitioner"]
    run.outputs()
    assert fake.count("GET", r".*/download") == 1
    df = run.elements()
    assert list(df.columns[:6]) == ["filename", "node", "type", "element_id", "text", "page_number"]
    assert {"languages", "data_source.url"} <= set(df.columns)
    assert df["type"].tolist() == ["Title", "NarrativeText", "NarrativeText"]
    assert str(df["page_number"].dtype) == "Int64" and df["page_number"].tolist()[:2] == [1, 2]  # not 1.0, 2.0
    assert df["node"].unique().tolist() == ["Partitioner"]


def test_outputs_of_a_running_job_strict_is_a_clear_error(fake: FakeAPI, client: Client):
    run = job_run(fake, client, ["IN_PROGRESS"])
    with pytest.raises(JobNotCompletedError) as info:
        run.outputs(strict=True)
    assert "run.wait()" in str(info.value)


def test_status_dataframe_and_static_reprs(fake: FakeAPI, client: Client):
    run = completed_run(fake, client)
    df = run.to_dataframe()
    assert tuple(df.columns) == STATUS_COLUMNS
    row = df.iloc[0]
    assert (row["status"], row["elapsed"], row["outputs"], row["input files"]) == ("COMPLETED", "2.5 s", "1 file", "a.pdf")
    assert "COMPLETED" in repr(run) and 'data-status="COMPLETED"' in run._repr_mimebundle_()["text/html"]
    assert set(run._repr_mimebundle_()) == {"text/plain", "text/html"}


def test_package_level_run_for_plain_python(client: Client, tmp_path: Path):
    import unstructured_nb

    (tmp_path / "notes.txt").write_text("hello")
    run = unstructured_nb.run("partition", [str(tmp_path / "notes.txt")], wait=True, client=client, poll=0.05)
    assert isinstance(run, unstructured_nb.Run) and run.status == JobStatus.COMPLETED


def test_tracker_thread_is_a_daemon_and_idles_when_nothing_is_tracked(fake: FakeAPI, client: Client):
    tracker = quick_tracker()
    run = job_run(fake, client, ["IN_PROGRESS", "COMPLETED"], tracker=tracker)
    run.wait(timeout=10)
    assert tracker.tracked == []
    sent = len(fake.requests)
    time.sleep(0.3)  # dozens of poll intervals: an idle tracker sends nothing
    assert len(fake.requests) == sent


def test_two_files_of_the_same_name_keep_their_own_outputs(fake: FakeAPI, client: Client):
    job = fake.add_job(workflow(fake), ["report.pdf", "report.pdf"], status="COMPLETED")
    for i, file_id in enumerate(job["input_file_ids"]):
        fake.outputs[(file_id, "n-partition")] = [{"type": "Title", "text": f"copy {i}", "metadata": {"filename": "report.pdf"}}]
    run = Run(Job.from_api(job), client, files=["report.pdf", "report.pdf"])
    run.finish()
    out = run.outputs()
    assert list(out) == ["report.pdf", "report.pdf (2)"]
    assert [els[0]["text"] for by_node in out.values() for els in by_node.values()] == ["copy 0", "copy 1"]
