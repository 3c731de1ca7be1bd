"""Widget-level tests of the panel (no browser): set traits, click buttons, check the panel's
state and widget traits, and what a real local engine received."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import unstructured_nb
from tests.polling import wait_until
from unstructured_nb.client import Client
from unstructured_nb.errors import WaitTimeoutError
from unstructured_nb.notebook.panel import Panel, panel
from unstructured_nb.render.html import runs_html

pytestmark = pytest.mark.engine

TIMEOUT = 60


def until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    return wait_until(check, timeout, 0.05, what)


def names(p: Panel) -> list[str]:
    return [f.name for f in p.state.files]


def upload(p: Panel, *files: tuple[str, bytes], chunk: int = 7) -> None:
    """What the browser's upload button sends: each file announced, then in chunks of ``chunk`` bytes."""
    for i, (name, data) in enumerate(files):
        upload_id = f"u{i}-{name}"
        p.upload.receive({"kind": "begin", "id": upload_id, "name": name, "size": len(data)})
        for offset in range(0, len(data), chunk):
            p.upload.receive({"kind": "chunk", "id": upload_id, "offset": offset}, [memoryview(data[offset : offset + chunk])])


def labels(p: Panel) -> dict[str, str]:
    return dict(p.workflow.options)


@pytest.fixture
def made(engine):
    """Panels made by a test, closed at its end (their jobs are waited for first)."""
    panels: list[Panel] = []

    def make(**kwargs: Any) -> Panel:
        kwargs.setdefault("api_url", engine.url)
        p = panel(**kwargs)
        panels.append(p)
        return p

    yield make
    for p in panels:
        try:
            p.cancel()
            p.wait(timeout=30)
        finally:
            p.close()


def test_layout_labels_and_run_enabled_only_with_a_workflow_and_files(made):
    p = made()
    assert isinstance(p, Panel) and unstructured_nb.panel is panel and unstructured_nb.Panel is Panel
    assert p.workflow.description == "Workflow"
    assert {"partition", "partition-and-chunk"} <= set(labels(p))
    assert all(len(v) >= 8 for v in labels(p).values())  # the options' values are the workflow ids
    assert p.run_button.description == "Run" and p.cancel_button.description == "Cancel"
    assert p.upload.multiple is True and ".pdf" in p.upload.accept.split(",")
    assert p.run_button.disabled and p.cancel_button.disabled
    assert p.state.status_text() == "Choose a workflow and at least one file."

    p.workflow.value = labels(p)["partition"]
    assert p.run_button.disabled
    assert p.state.workflow_info() == "id " + labels(p)["partition"]  # the id is at hand
    upload(p, ("a.txt", b"hello"))
    assert not p.run_button.disabled
    assert p.state.status_text() == "Ready to run 'partition' on 1 file (5 B)."
    assert [(f.name, f.size, f.shown) for f in p.state.files] == [("a.txt", 5, "uploaded")]

    p.workflow.value = None
    assert p.run_button.disabled
    p.workflow_id.value = "partiton"  # checked against the list as it is typed: no request, no Run needed
    assert p.run_button.disabled and "Did you mean 'partition'" in p.state.workflow_info()
    assert "unb-warn" in p.workflow_info.value and p.state.status_text().endswith("Fix the workflow name (see above).")
    p.workflow_id.value = "partition"
    assert not p.run_button.disabled and p.state.workflow_info().startswith("✓ partition (id ")
    unknown = "0b6b2b3c-0000-4000-8000-000000000000"  # an id beyond the listed page is asked for on Run
    p.workflow_id.value = unknown
    assert not p.run_button.disabled and p.chosen_workflow() == unknown

    p.clear_button.click()
    assert p.upload.uploads == [] and p.state.files == [] and p.run_button.disabled


def test_click_run_sends_uploads_and_kernel_files_and_shows_completed_and_a_preview(made, engine, tmp_path):
    (tmp_path / "disk-one.md").write_text("# Disk heading\n\nKernel side paragraph about a quiet lighthouse.\n")
    (tmp_path / "skip.bin").write_bytes(b"\0")
    p = made()
    p.workflow.value = labels(p)["partition"]
    upload(
        p,
        ("up-a.txt", b"Upload A talks about a green teapot.\n"),
        ("up-b.md", b"# Upload B\n\nA second uploaded file mentions orange kites.\n"),
    )
    p.paths.value = str(tmp_path / "*.md")
    assert names(p) == ["up-a.txt", "up-b.md", "disk-one.md"]
    p.state.code_name = "demo"  # as if the notebook had assigned the panel to `demo` (tests run outside IPython)
    p.state.code_hints = True

    p.run_button.click()
    run = p.wait(timeout=TIMEOUT)
    assert run is p.runs[-1] and len(p.runs) == 1
    assert str(run.status) == "COMPLETED"
    # the table widget is the shared HTML view of the runs' snapshots
    assert p.table.value.endswith(runs_html([r.snapshot() for r in p.runs]))
    assert p.cancel_button.disabled and not p.run_button.disabled
    preview = p.state.preview
    assert preview is not None and preview.title.startswith("Results of run 1") and preview.title.endswith("from 3 files")
    texts = " ".join(row[preview.columns.index("text")] for row in preview.rows)
    assert "green teapot" in texts and "orange kites" in texts
    assert "demo.runs[0].elements()" in preview.hint  # the hint names the variable that exists
    assert p.error == ""

    # what the server received: one job of that workflow with exactly these three files
    with Client(engine.url) as c:
        job = c.get_job(run.job_id)
        assert job.workflow_id == labels(p)["partition"]
        assert len(job.input_file_ids) == 3
        texts = {}
        for file_id in job.input_file_ids:
            elements = c.download_job_output(run.job_id, file_id)
            texts[elements[0]["metadata"]["filename"]] = " ".join(e["text"] for e in elements)
    assert set(texts) == {"up-a.txt", "up-b.md", "disk-one.md"}
    assert "green teapot" in texts["up-a.txt"] and "quiet lighthouse" in texts["disk-one.md"]
    elements = run.elements()
    assert set(elements["filename"]) == set(texts)


def test_cancel_stops_a_running_job_and_history_accumulates(made, engine, tmp_path):
    slow = tmp_path / "slow"
    slow.mkdir()
    for i in range(48):  # x FILE_DELAY on 2 workers: ~6 s, still running when Cancel is clicked
        (slow / f"f{i:02d}.txt").write_text(f"File {i} keeps the job busy.\n")
    (tmp_path / "quick.txt").write_text("A quick job first.\n")
    p = made(workflow="partition", files=str(tmp_path / "quick.txt"))
    assert not p.run_button.disabled
    first = p.run()
    p.wait(timeout=TIMEOUT)
    assert str(first.status) == "COMPLETED"

    p.paths.value = str(slow)  # a folder: its 48 files
    assert len(p.state.files) == 48
    p.run_button.click()
    until(lambda: len(p.runs) == 2, "the second run to start")
    until(lambda: not p.cancel_button.disabled, "Cancel to be enabled while the job runs")
    until(lambda: p.runs[-1].snapshot().progress, "per-node progress while the job runs")
    assert p.runs[-1].snapshot().progress[0].total == 48
    second = p.runs[-1]
    assert not second.done

    with pytest.raises(WaitTimeoutError, match="still running"):
        p.wait(timeout=0.05)
    p.cancel_button.click()
    p.wait(timeout=TIMEOUT)
    assert str(second.status) == "STOPPED"
    with Client(engine.url) as c:
        assert str(c.get_job(second.job_id).status) == "STOPPED"
    assert p.cancel_button.disabled
    # one row per run, the first still COMPLETED
    assert [r.snapshot().status for r in p.runs] == ["COMPLETED", "STOPPED"]
    assert p.state.preview is not None and p.state.preview.title.startswith("Results of run 1")  # the last completed run's stays


def test_errors_show_one_paragraph_and_the_panel_stays_usable(made, tmp_path):
    (tmp_path / "doc.txt").write_text("Some text.\n")
    p = made(files=str(tmp_path / "doc.txt"))
    missing = "0b6b2b3c-0000-4000-8000-000000000000"  # not in the list, so only the server can say
    p.workflow_id.value = missing
    p.run_button.click()
    until(lambda: p.error, "the error area to show the lookup error")
    p.wait(timeout=TIMEOUT)
    assert p.runs == []
    assert missing in p.error and "Traceback" not in p.error
    assert p.error_area.layout.display != "none"
    assert not p.run_button.disabled  # usable again

    p.workflow_id.value = ""  # editing the choice clears an input error ...
    p.select_workflow("partition")
    p.run_button.click()
    run = p.wait(timeout=TIMEOUT)
    assert str(run.status) == "COMPLETED" and p.error == ""  # ... and a successful run clears the rest
    assert p.error_area.layout.display == "none"

    p.paths.value = str(tmp_path / "missing-*.pdf")
    assert p.state.path_problems == (f"{tmp_path / 'missing-*.pdf'} (no file matches this pattern)",) and p.run_button.disabled
    with pytest.raises(unstructured_nb.UnstructuredError):
        p.run()
    assert "Fix the path field" in p.error
    assert len(p.runs) == 1


def test_size_limit_warning(made):
    p = made(size_limit_mb=0.001)
    upload(p, ("big.txt", b"x" * 1500), ("small.txt", b"y"))
    assert [f.name for f in p.state.files if (f.size or 0) > p.state.size_limit_bytes] == ["big.txt"]
    assert "Over the 1.0 kB size limit: big.txt." in p.files_view.value  # the widget draws the state


def test_preselected_workflow_and_files(made, tmp_path):
    (tmp_path / "one.txt").write_text("one")
    p = made(workflow="partition-and-chunk", files=[str(tmp_path / "one.txt")])
    assert p.workflow.value == labels(p)["partition-and-chunk"] and p.workflow_id.value == ""
    assert not p.run_button.disabled
    assert names(p) == ["one.txt"]


def test_server_down_shows_a_clear_error_and_refresh_recovers(tmp_path):
    from unstructured_nb.local import serve

    from ._servers import free_port

    port = free_port()
    p = panel(api_url=f"http://127.0.0.1:{port}")
    try:
        assert p.workflow.options == ()
        assert f"127.0.0.1:{port}" in p.error and "Traceback" not in p.error
        assert p.run_button.disabled
        server = serve(port=port, data_dir=tmp_path / "late-engine")
        try:
            p.refresh_button.click()
            assert "partition" in labels(p)
            assert p.error == ""
        finally:
            server.stop()
    finally:
        p.close()


def test_the_key_never_reaches_the_page_or_the_reprs(tmp_path):
    from unstructured_nb.local import serve

    key = "sk-panel-Distinctive-Key-9f3a1c"
    server = serve(data_dir=tmp_path / "keyed-engine", api_key=key, file_delay=0.0)
    try:
        good = panel(api_url=server.url, api_key=key)
        bad = panel(api_url=server.url, api_key="wrong-" + key[::-1])
        try:
            good.select_workflow("partition")
            upload(good, ("k.txt", b"Key test.\n"))
            good.run_button.click()
            assert str(good.wait(timeout=TIMEOUT).status) == "COMPLETED"
            assert bad.workflow.options == () and bad.error  # 401, said in one paragraph
            for p in (good, bad):
                shown = [p.to_text(), p.to_html(), repr(p), json.dumps(p._repr_mimebundle_(), default=str)]
                shown += [json.dumps(w.get_state(), default=str) for w in _widgets(p)]
                for text in shown:
                    assert key not in text and key[::-1] not in text
        finally:
            good.close()
            bad.close()
    finally:
        server.stop()


def _widgets(p: Panel) -> list[Any]:
    out, stack = [], [p]
    while stack:
        w = stack.pop()
        out.append(w)
        stack.extend(getattr(w, "children", ()))
    return out


def test_mimebundle_carries_the_widget_view_and_html_and_text_snapshots(made, tmp_path):
    p = made(workflow="partition")
    bundle = p._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == p.model_id
    assert bundle["text/plain"].startswith("Unstructured panel")
    assert "Workflow: 'partition' (id " in bundle["text/plain"] and "Runs: none yet" in bundle["text/plain"]
    assert 'class="unb-panel"' in bundle["text/html"] and "partition" in bundle["text/html"]

    upload(p, ("snap.txt", b"Snapshot text.\n"))
    p.run()
    p.wait(timeout=TIMEOUT)
    bundle = p._repr_mimebundle_()
    assert "COMPLETED" in bundle["text/plain"] and "snap.txt" in bundle["text/plain"]
    assert runs_html([r.snapshot() for r in p.runs]) in bundle["text/html"] and "Results of run 1" in bundle["text/html"]


def test_the_magic_with_no_arguments_returns_the_panel(engine, monkeypatch):
    from IPython.testing.globalipapp import get_ipython

    monkeypatch.setenv("UNSTRUCTURED_API_URL", engine.url)
    ip = get_ipython()
    ip.run_line_magic("load_ext", "unstructured_nb")
    p = ip.run_line_magic("unstructured_run", "")
    try:
        assert isinstance(p, Panel)
        assert "partition" in labels(p)
    finally:
        p.close()


def test_losing_the_server_mid_run_is_shown_and_recovered_from(tmp_path):
    """A polling error shows as one paragraph while the job is followed; once the server is
    back, the error goes and the run reaches its final state."""
    from unstructured_nb.local import serve

    data = tmp_path / "flaky-engine"
    server = serve(data_dir=data, file_delay=0.5)
    port = int(server.url.rsplit(":", 1)[1])
    files = tmp_path / "many"
    files.mkdir()
    for i in range(12):
        (files / f"m{i:02d}.txt").write_text(f"Text {i}.\n")
    p = panel(workflow="partition", files=str(files), api_url=server.url)
    try:
        run = p.run()
        until(lambda: str(run.status) == "IN_PROGRESS", "the job to be running")
        server.stop()
        until(lambda: "could not connect" in p.error, "the polling error in the error area")
        assert "Traceback" not in p.error
        assert not p.cancel_button.disabled  # still following the job
        server = serve(port=port, data_dir=data)
        p.wait(timeout=TIMEOUT)
        assert run.done and p.error == ""
        assert p.table.value.endswith(runs_html([run.snapshot()]))
    finally:
        p.close()
        server.stop()


def test_a_file_the_server_cannot_process_is_listed_under_the_table(made):
    p = made(workflow="partition")
    upload(p, ("good.txt", b"A fine text file.\n"), ("broken.pdf", b"%PDF-1.7 this is not a PDF"))
    p.run_button.click()
    run = p.wait(timeout=TIMEOUT)
    assert run.failed_files and [f.document for f in run.failed_files] == ["broken.pdf"]
    assert [f.file for f in run.snapshot().failed] == ["broken.pdf"]  # what the table lists under the runs
    # the job still COMPLETED (one file worked), and that file's output is previewed
    assert str(run.status) == "COMPLETED"
    preview = p.state.preview
    assert preview is not None and {row[0] for row in preview.rows} == {"good.txt"}


def test_a_preview_that_cannot_be_downloaded_is_a_note_not_an_error(made, monkeypatch):
    from unstructured_nb.errors import JobNotCompletedError
    from unstructured_nb.runs import Run

    def elements(self, all_nodes=False, strict=False, quiet=False):
        raise JobNotCompletedError("Job abc has no downloadable outputs", hint="Its outputs went to the workflow's destination")

    monkeypatch.setattr(Run, "elements", elements)
    p = made(workflow="partition")
    upload(p, ("x.txt", b"Some text.\n"))
    run = p.run()
    p.wait(timeout=TIMEOUT)
    assert p.state.preview is not None
    assert p.state.preview.title == f"No preview for job {run.job_id[:8]}"
    assert "went to the workflow" in p.state.preview.note
    assert p.error == ""
