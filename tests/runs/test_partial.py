"""Partly failed, running and interrupted runs: one derived state, partial elements with a note, retry of the failed files,
names after attach, and what cancel and Ctrl-C say."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.errors import JobNotCompletedError, UsageError, WaitInterrupted
from unstructured_nb.models import Job
from unstructured_nb.runs import Run, attach, start_run

from .conftest import quick_tracker, workflow


def partial_job(fake: FakeAPI, names: list[str], failed: list[str]) -> dict:
    """A COMPLETED job of 'partition' on ``names`` where ``failed`` failed (no output for them)."""
    job = fake.add_job(workflow(fake), names, status="COMPLETED")
    keep = {i for i, n in zip(job["input_file_ids"], names, strict=True) if n not in failed}
    job["output_node_files"] = [nf for nf in job["output_node_files"] if nf["file_id"] in keep]
    fake.failed[job["id"]] = [{"document": n, "error": f"{n} could not be read"} for n in failed]
    n = len(names)
    fake.details[job["id"]] = {
        "id": job["id"],
        "processing_status": "COMPLETED_WITH_ERRORS",
        "node_stats": [
            {"node_name": "Partitioner", "ready": 0, "in_progress": 0, "success": n - len(failed), "failure": len(failed)}
        ],
        "message": f"Processed {n - len(failed)} of {n} files; {len(failed)} failed (see failed-files).",
    }
    for file_id, name in zip(job["input_file_ids"], names, strict=True):
        fake.outputs[(file_id, "n-partition")] = [
            {"type": "Title", "element_id": file_id, "text": name, "metadata": {"filename": name}}
        ]
    return job


def test_a_completion_with_failed_files_is_one_amber_state_everywhere(fake: FakeAPI, client: Client, capsys):
    names = [f"doc{i}.txt" for i in range(6)]
    job = partial_job(fake, names, names[1:])
    run = attach(job["id"], client=client)
    snap = run.snapshot()
    assert snap.state == "PARTIAL" and snap.status_text == "COMPLETED, 5 of 6 files failed"
    assert run.files == names  # names, not ids, after attach (from the job's file status)
    bundle = run._repr_mimebundle_()
    assert "COMPLETED, 5 of 6 files failed" in bundle["text/plain"]
    assert 'data-status="PARTIAL"' in bundle["text/html"] and "#9a6700" in bundle["text/html"]
    assert run.to_dataframe().iloc[0]["status"] == "COMPLETED, 5 of 6 files failed"
    assert "doc3.txt could not be read" in bundle["text/plain"]  # the failed files are listed with their errors

    frame = run.elements()
    assert frame["filename"].tolist() == ["doc0.txt"]
    note = capsys.readouterr().err.strip()
    assert note.count("\n") == 0 and "5 of 6 files failed" in note and "run.retry_failed()" in note
    with pytest.raises(JobNotCompletedError) as info:
        run.elements(strict=True)
    assert "5 of 6 files failed" in str(info.value) and "\n" not in str(info.value)
    assert len(run.elements(quiet=True)) == 1 and capsys.readouterr().err == ""  # a front end that says it itself


def test_retry_failed_sends_only_the_failed_files_again(fake: FakeAPI, client: Client, tmp_path: Path):
    paths = []
    for name in ("good.txt", "bad1.txt", "bad2.txt"):
        (tmp_path / name).write_text(f"contents of {name}")
        paths.append(str(tmp_path / name))
    first = start_run("partition", paths, client=client, track=False)
    fake.jobs[first.job_id]["status"] = "COMPLETED"
    fake.statuses.pop(first.job_id, None)
    fake.failed[first.job_id] = [{"document": "bad1.txt", "error": "x"}, {"document": "bad2.txt", "error": "y"}]
    first.refresh()
    again = first.retry_failed(track=False)
    assert isinstance(again, Run) and again.job_id != first.job_id
    assert again.files == ["bad1.txt", "bad2.txt"] and again.workflow_name == "partition"
    post = fake.calls("POST", r"/api/v1/workflows/.*/run")[-1]
    assert [(p.filename, p.data) for p in post.parts()] == [
        ("bad1.txt", b"contents of bad1.txt"),
        ("bad2.txt", b"contents of bad2.txt"),
    ]


def test_retry_failed_of_an_attached_job_names_the_files_it_cannot_send(fake: FakeAPI, client: Client):
    job = partial_job(fake, ["a.txt", "b.txt"], ["b.txt"])
    run = attach(job["id"], client=client)
    with pytest.raises(UsageError) as info:
        run.retry_failed()
    assert "b.txt" in str(info.value) and "not at hand" in str(info.value)
    done = fake.add_job(workflow(fake), ["ok.txt"], status="COMPLETED")
    with pytest.raises(UsageError, match="No file failed"):
        attach(done["id"], client=client).retry_failed()


def test_elements_of_a_running_job_are_what_is_there_with_a_note(fake: FakeAPI, client: Client, capsys):
    job = fake.add_job(workflow(fake, "partition-and-chunk"), ["one.md", "two.md"], status="IN_PROGRESS")
    one, two = job["input_file_ids"]
    job["output_node_files"] = [  # one.md is chunked, two.md only partitioned so far
        {"node_id": "n-partition", "file_id": one, "node_type": "partition", "node_subtype": "fast"},
        {"node_id": "n-chunk", "file_id": one, "node_type": "chunk", "node_subtype": "chunk_by_title"},
        {"node_id": "n-partition", "file_id": two, "node_type": "partition", "node_subtype": "fast"},
    ]
    fake.outputs[(one, "n-chunk")] = [
        {"type": "CompositeElement", "element_id": "c1", "text": "chunk", "metadata": {"filename": "one.md"}}
    ]
    run = attach(job["id"], client=client)
    assert run.snapshot().outputs == 1  # files with their final output, as the node counts say
    frame = run.elements()
    assert frame["filename"].tolist() == ["one.md"] and frame["type"].tolist() == ["CompositeElement"]
    note = capsys.readouterr().err
    assert "still IN_PROGRESS" in note and "1 of 2 files" in note
    with pytest.raises(JobNotCompletedError, match="still IN_PROGRESS"):
        run.elements(strict=True)


def test_cancel_says_what_it_did(fake: FakeAPI, client: Client):
    job = fake.add_job(workflow(fake), ["a.txt"], status="IN_PROGRESS")
    run = Run(Job.from_api(job), client, tracker=quick_tracker())
    outcome = run.cancel()
    assert outcome.requested and repr(outcome).startswith(f"Cancel requested for job {run.job_id} (it was IN_PROGRESS).")
    run.wait(timeout=10)
    sent = fake.count("POST", r".*/cancel")
    again = run.cancel()
    assert not again.requested and repr(again) == f"Job {run.job_id} already ended STOPPED; nothing to cancel."
    assert fake.count("POST", r".*/cancel") == sent  # nothing sent for a job that ended


def test_ctrl_c_in_wait_is_one_paragraph_and_the_job_goes_on(fake: FakeAPI, client: Client):
    job = fake.add_job(workflow(fake), ["a.txt"], status="IN_PROGRESS")
    run = Run(Job.from_api(job), client, tracker=quick_tracker())

    class Interrupting:  # Ctrl-C arrives while the waiting thread sleeps on the run's event
        def __init__(self, event: threading.Event) -> None:
            self.event, self.waits = event, 0

        def is_set(self) -> bool:
            return self.event.is_set()

        def set(self) -> None:
            self.event.set()

        def wait(self, timeout: float | None = None) -> bool:
            self.waits += 1
            if self.waits == 2:
                raise KeyboardInterrupt
            return self.event.wait(timeout)

    run._finished = Interrupting(run._finished)  # type: ignore[assignment]  # the test stands in for the signal
    with pytest.raises(WaitInterrupted) as info:
        run.wait()
    assert isinstance(info.value, KeyboardInterrupt) and info.value.__cause__ is None
    text = str(info.value)
    assert text.startswith(f"Stopped waiting. Job {run.job_id} is still running on the server (IN_PROGRESS)") and "\n" not in text
    assert info.value._render_traceback_() == [text]  # IPython shows this paragraph, not a traceback
    assert not run.done and threading.active_count() >= 1
    run.cancel()
