"""Run handle, paths, workflow lookup, tables and error paragraphs, against the fake client."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from unstructured_nb.display import error_paragraph, render_html, render_text
from unstructured_nb.errors import AuthenticationError, InputFileError, JobNotCompletedError, WorkflowLookupError
from unstructured_nb.models import FailedFile, JobStatus, Workflow
from unstructured_nb.tracking import (
    STATUS_COLUMNS,
    PollPolicy,
    Run,
    Tracker,
    WaitTimeoutError,
    expand_paths,
    resolve_workflow,
    start_run,
    status_frame,
)

from .fakes import FakeClient, make_job


@pytest.fixture
def data(tmp_path: Path) -> Path:
    for name in ("a.pdf", "b.pdf", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".hidden").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    return tmp_path


def fast_tracker() -> Tracker:
    return Tracker(PollPolicy(initial=0.01, cap=0.02, max_rate=1000, burst=1000))


# --- paths ------------------------------------------------------------------------------------


def test_paths_globs_and_directories_expand(data: Path):
    assert [p.name for p in expand_paths([str(data / "*.pdf")])] == ["a.pdf", "b.pdf"]
    assert [p.name for p in expand_paths([str(data)])] == ["a.pdf", "b.pdf", "notes.txt"]  # no hidden files, no subdirs
    assert [p.name for p in expand_paths(str(data / "notes.txt"))] == ["notes.txt"]
    assert expand_paths([("x.txt", b"hi")]) == [("x.txt", b"hi")]  # in-memory files pass through


def test_a_single_in_memory_file_is_one_file_not_a_collection(data: Path):
    # as the client accepts them: a lone pair, upload entry or open file is not iterated
    assert expand_paths(("x.txt", b"hi")) == [("x.txt", b"hi")]
    upload = {"name": "u.txt", "type": "text/plain", "size": 1, "content": memoryview(b"x")}
    assert expand_paths(upload) == [upload]
    with open(data / "notes.txt", "rb") as fh:
        assert expand_paths(fh) == [fh] and fh.tell() == 0


def test_every_bad_path_is_named_and_nothing_is_sent(data: Path):
    client = FakeClient()
    with pytest.raises(InputFileError) as info:
        start_run(
            "partition", [str(data / "missing.pdf"), str(data / "*.docx"), str(data / "sub"), str(data / "a.pdf")], client=client
        )
    text = str(info.value)
    assert "missing.pdf (not found)" in text and "*.docx (no file matches" in text and "sub (directory has no files)" in text
    assert "no job was created" in text
    assert client.calls == []


# --- workflows ----------------------------------------------------------------------------------


def test_workflow_by_id_or_exact_name():
    client = FakeClient()
    assert resolve_workflow(client, "wf-2").name == "partition-and-chunk"
    assert resolve_workflow(client, "partition").id == "wf-1"


def test_unknown_workflow_lists_close_matches():
    with pytest.raises(WorkflowLookupError) as info:
        resolve_workflow(FakeClient(), "partiton")
    assert "'partiton'" in str(info.value) and "Did you mean 'partition'" in str(info.value)
    assert "?." not in str(info.value)  # one sentence ends once


def test_ambiguous_name_lists_the_ids():
    client = FakeClient([Workflow(id="w1", name="same"), Workflow(id="w2", name="same")])
    with pytest.raises(WorkflowLookupError) as info:
        resolve_workflow(client, "same")
    assert "w1" in str(info.value) and "w2" in str(info.value) and "id" in str(info.value)


# --- waiting ---------------------------------------------------------------------------------------


def test_start_run_and_wait_with_the_real_thread(data: Path):
    client = FakeClient()
    run = start_run("partition", [str(data / "a.pdf")], client=client, track=False)
    run._tracker = fast_tracker()
    assert run.wait(timeout=10) is run
    assert run.done and run.finished and run.status == JobStatus.COMPLETED
    assert run.files == ["a.pdf"] and run.workflow_name == "partition"
    assert client.calls[1][0] == "run_workflow" and [p.name for p in client.calls[1][1][1]] == ["a.pdf"]


def test_await_run_in_async_code():
    client = FakeClient()
    client.scripts["j1"] = ["IN_PROGRESS", "COMPLETED"]
    run = Run(make_job("j1"), client, tracker=fast_tracker())
    result = asyncio.run(asyncio.wait_for(run._wait_async(), 10))
    assert result is run and run.status == JobStatus.COMPLETED


def test_wait_timeout_says_the_job_still_runs():
    client = FakeClient()
    client.scripts["j1"] = ["IN_PROGRESS"]
    run = Run(make_job("j1"), client, tracker=fast_tracker())
    with pytest.raises(WaitTimeoutError) as info:
        run.wait(timeout=0.3)
    assert "still" in str(info.value) and "run.cancel()" in str(info.value) and "--attach j1" in str(info.value)
    run.cancel()
    run.wait(timeout=10)
    assert run.status == JobStatus.STOPPED


# --- results ---------------------------------------------------------------------------------------


def completed_run() -> tuple[Run, FakeClient]:
    client = FakeClient()
    job = make_job(
        "j1",
        "COMPLETED",
        runtime="PT2.5S",
        input_file_ids=["f1"],
        output_node_files=[{"node_id": "n1", "file_id": "f1", "node_type": "partition", "node_subtype": "fast"}],
    )
    client.outputs[("f1", "n1")] = [
        {
            "type": "Title",
            "element_id": "e1",
            "text": "Hello",
            "metadata": {"filename": "a.pdf", "page_number": 1, "languages": ["eng"], "data_source": {"url": "x"}},
        },
        {
            "type": "NarrativeText",
            "element_id": "e2",
            "text": "World",
            "metadata": {"filename": "a.pdf", "page_number": 2, "parent_id": "e1"},
        },
    ]
    run = Run(job, client, files=["a.pdf"])
    run._finish()
    return run, client


def test_outputs_are_cached_and_elements_flattened():
    run, client = completed_run()
    out = run.outputs()
    assert list(out) == ["a.pdf"] and list(out["a.pdf"]) == ["Partitioner"]
    run.outputs()
    assert client.count("download_job_output") == 1
    df = run.elements()
    assert list(df.columns[:6]) == ["filename", "node", "type", "element_id", "text", "page_number"]
    assert {"languages", "parent_id", "data_source.url"} <= set(df.columns)
    assert df["type"].tolist() == ["Title", "NarrativeText"] and df["page_number"].tolist() == [1, 2]
    assert df["node"].unique().tolist() == ["Partitioner"]


def test_outputs_of_a_running_job_is_a_clear_error():
    run = Run(make_job("j1", "IN_PROGRESS"), FakeClient())
    with pytest.raises(JobNotCompletedError) as info:
        run.outputs()
    assert "run.wait()" in str(info.value)


# --- tables -------------------------------------------------------------------------------------------


def test_status_table_columns_and_reprs():
    run, _ = completed_run()
    df = run.to_dataframe()
    assert list(df.columns) == STATUS_COLUMNS and list(status_frame([run, run]).columns) == STATUS_COLUMNS
    row = df.iloc[0]
    assert (
        row["status"] == "COMPLETED"
        and row["elapsed"] == "2.5 s"
        and row["outputs"] == "1 file"
        and row["input files"] == "a.pdf"
    )
    assert "COMPLETED" in repr(run) and 'class="dataframe' in run._repr_html_()
    bundle = run._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}


def test_progress_while_running_and_failed_files_at_the_end():
    client = FakeClient()
    running = Run(make_job("j1", "IN_PROGRESS"), client)
    running._apply_details(client.get_job_details("j1"))
    assert "Progress of job" in render_html([running]) and "Partitioner" in render_text([running])
    failed = Run(make_job("j2", "FAILED"), client)
    failed._apply_failed([FailedFile(document="bad.pdf", error="PDF has no text <layer>")])
    html_out = render_html([failed])
    assert "Failed files of job" in html_out and "bad.pdf" in html_out and "&lt;layer&gt;" in html_out
    assert "Progress of job" not in render_html([Run(make_job("j3", "COMPLETED"), client)])


def test_polling_error_shown_as_its_paragraph():
    run = Run(make_job("j1", "IN_PROGRESS"), FakeClient())
    run._apply_error(AuthenticationError("GET /api/v1/jobs/j1 was refused (401)", hint="Check UNSTRUCTURED_API_KEY"))
    assert "Check UNSTRUCTURED_API_KEY" in render_text([run])


def test_error_paragraph_is_one_paragraph_and_never_quotes_foreign_text():
    assert error_paragraph(InputFileError("Cannot use x", hint="Check it")) == "Cannot use x. Check it."
    text = error_paragraph(ValueError("header unstructured-api-key: SECRET-KEY-123"))
    assert "SECRET-KEY-123" not in text and "ValueError" in text and "\n" not in text


# --- import cost ----------------------------------------------------------------------------------------


def test_load_ext_imports_no_pandas_widgets_or_httpx():
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "import sys\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'unstructured_nb')\n"
        "assert 'unstructured_run' in ip.magics_manager.magics['line']\n"
        "print(sorted(m for m in ('pandas', 'ipywidgets', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=os.getcwd())
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"')) == []


def test_package_level_run_for_plain_python(data: Path):
    import unstructured_nb

    client = FakeClient()
    run = unstructured_nb.run("partition", [str(data / "notes.txt")], wait=True, client=client)
    assert isinstance(run, unstructured_nb.Run) and run.status == JobStatus.COMPLETED


def test_tracker_thread_is_a_daemon_and_idles_when_nothing_is_tracked():
    import time

    client = FakeClient()
    client.scripts["j1"] = ["IN_PROGRESS", "COMPLETED"]
    tracker = fast_tracker()
    run = Run(make_job("j1"), client, tracker=tracker)
    run.wait(timeout=10)
    thread = tracker._thread
    assert thread is not None and thread.daemon and thread.is_alive()
    sent = len(client.calls)
    time.sleep(0.3)  # dozens of poll intervals: an idle tracker sends nothing
    assert len(client.calls) == sent and tracker.tracked == []
