"""The panel in a classroom: chunked uploads to temporary files, limits that keep the panel usable, a Voila mode that
shows no path field (or one confined to a root), partial failure with a retry of just the failed files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.polling import wait_until
from unstructured_nb.errors import ConfigurationError
from unstructured_nb.notebook import panel_view as view
from unstructured_nb.notebook.panel import Panel, panel

pytestmark = pytest.mark.engine

TIMEOUT = 60


def begin(p: Panel, upload_id: str, name: str, size: int) -> None:
    p.upload.receive({"kind": "begin", "id": upload_id, "name": name, "size": size})


def chunk(p: Panel, upload_id: str, offset: int, data: bytes) -> None:
    p.upload.receive({"kind": "chunk", "id": upload_id, "offset": offset}, [memoryview(data)])


def send(p: Panel, name: str, data: bytes, size: int = 64 * 1024) -> None:
    begin(p, name, name, len(data))
    for offset in range(0, len(data), size):
        chunk(p, name, offset, data[offset : offset + size])


@pytest.fixture
def made(engine):
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


def test_uploads_arrive_in_chunks_in_a_temporary_file_and_run_waits_for_them(made):
    p = made(workflow="partition")
    data = b"Chunked upload line about a silver kettle.\n" * 5000  # 215 kB in 4 chunks
    begin(p, "u1", "kettle notes.txt", len(data))
    chunk(p, "u1", 0, data[: 64 * 1024])
    (row,) = p.upload.files  # what the browser draws as a progress bar
    assert row["status"] == "sending" and row["received"] == 64 * 1024 and row["size"] == len(data)
    assert p.run_button.disabled and p.state.status_text().startswith("Uploading 1 file")
    for offset in range(64 * 1024, len(data), 64 * 1024):
        chunk(p, "u1", offset, data[offset : offset + 64 * 1024])
    (done,) = p.upload.uploads
    assert done.status == "done" and done.path is not None and done.path.name == "kettle notes.txt"
    assert done.path.read_bytes() == data  # written to the kernel's disk, handed to the client as a path
    assert [(f.name, f.path) for f in p.state.files] == [("kettle notes.txt", done.path)]
    assert not p.run_button.disabled
    run = p.run()
    p.wait(timeout=TIMEOUT)
    assert str(run.status) == "COMPLETED" and run.files == ["kettle notes.txt"]
    assert "silver kettle" in " ".join(run.elements()["text"])
    folder = done.path.parent.parent
    p.close()
    assert not folder.exists()  # closing the panel removes its uploads


def test_a_file_over_the_limit_is_refused_with_a_message_and_the_panel_stays_usable(made):
    p = made(workflow="partition", max_upload_mb=0.001)  # 1 kB
    begin(p, "big", "huge.pdf", 5_000_000)
    (refused,) = p.upload.uploads
    assert refused.status == "refused" and refused.path is None
    assert "huge.pdf is 5.0 MB, over this panel's upload limit of 1.0 kB" in refused.message
    assert "Nothing was sent" in p.files_view.value and p.run_button.disabled
    send(p, "small.txt", b"A small file that fits.\n")
    assert [f.name for f in p.state.files] == ["small.txt"] and not p.run_button.disabled
    p.clear_button.click()
    assert p.upload.uploads == [] and "Nothing was sent" not in p.files_view.value


def test_clear_stops_an_upload_in_flight_and_a_chunk_out_of_order_fails_it(made):
    p = made(workflow="partition")
    begin(p, "half", "half.txt", 1000)
    chunk(p, "half", 0, b"x" * 400)
    partial = p.upload.uploads[0].path
    assert partial is not None and partial.exists()
    p.clear_button.click()
    assert not partial.exists() and not p.state.uploading and p.upload.uploads == []
    p.upload.receive({"kind": "chunk", "id": "half", "offset": 400}, [memoryview(b"y" * 10)])  # too late: ignored
    begin(p, "twisted", "twisted.txt", 100)
    chunk(p, "twisted", 50, b"z" * 10)
    (failed,) = p.upload.uploads
    assert failed.status == "failed" and "out of order" in failed.message and not p.state.uploading


def test_under_voila_there_is_no_path_field_and_no_code_hint(made, monkeypatch, tmp_path):
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    try:
        p = made()
        assert p.paths is None and p.state.allow_paths is False
        texts = [w for w in _walk(p) if w.__class__.__name__ == "Text" and w is not p.max_characters]
        assert [t.placeholder for t in texts] == ["…or type a workflow id or name"]  # no field for the server's paths
        assert "type paths" not in p.files_view.value and p.state.code_hints is False
        p.state.set_paths("/etc/passwd")  # nothing can be typed, and nothing typed is read
        assert p.state.files == [] and p.state.path_problems == ()
        with pytest.raises(ConfigurationError, match="root="):
            made(allow_paths=True)
        send(p, "v.txt", b"A Voila visitor's file.\n")
        p.select_workflow("partition")
        p.run()
        p.wait(timeout=TIMEOUT)
        assert p.state.preview is not None and p.state.preview.hint == "First 1 shown."  # no code to run here
        assert "local engine at" not in p.to_text() and p.state.api_label != ""
    finally:
        from unstructured_nb import hints

        hints.speak("auto")


def test_a_root_confines_the_path_field_symlinks_included(made, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "reading.md").write_text("# Reading\n\nA paragraph about copper bells.\n")
    (course / "escape.txt").symlink_to("/etc/passwd")
    p = made(workflow="partition", root=course)
    assert p.paths is not None and "course folder" in p.paths.placeholder
    p.paths.value = "/etc/passwd"
    assert p.state.files == [] and p.state.path_problems == ("/etc/passwd (outside the folder files may come from)",)
    p.paths.value = "escape.txt"
    assert p.state.files == [] and "outside the folder" in p.state.path_problems[0]
    p.paths.value = "*"
    assert [f.name for f in p.state.files] == ["reading.md"] and p.state.path_problems == ()
    assert "root:x:0" not in p.files_view.value and "/etc" not in p.files_view.value
    run = p.run()
    p.wait(timeout=TIMEOUT)
    assert str(run.status) == "COMPLETED" and "copper bells" in " ".join(run.elements()["text"])


def test_a_partial_failure_is_amber_and_retry_sends_only_the_failed_files(made):
    p = made(workflow="partition")
    send(p, "good.txt", b"A fine text file.\n")
    send(p, "broken.pdf", b"%PDF-1.7 this is not a PDF")
    assert p.retry_button.layout.display == "none"
    first = p.run()
    p.wait(timeout=TIMEOUT)
    snap = first.snapshot()
    assert snap.state == "PARTIAL" and snap.status_text == "COMPLETED, 1 of 2 files failed"
    assert 'data-status="PARTIAL"' in p.table.value and "COMPLETED, 1 of 2 files failed" in p.table.value
    assert "Failed files of job" in p.table.value and "broken.pdf" in p.table.value
    wait_until(lambda: not p.retry_button.disabled, TIMEOUT, 0.05, "the retry button")
    assert p.retry_button.layout.display is None
    p.clear_button.click()  # the choice is cleared, but the run keeps the files it may send again
    p.retry_button.click()
    wait_until(lambda: len(p.runs) == 2, TIMEOUT, 0.05, "the retry's run")
    second = p.wait(timeout=TIMEOUT)
    assert second is p.runs[-1] and second.files == ["broken.pdf"]
    assert str(second.status) == "FAILED" and second.job_id != first.job_id


def test_files_view_has_no_path_tooltips_where_code_cannot_run(tmp_path):
    from unstructured_nb.runs import InputFile

    f = InputFile("disk.md", Path("/srv/course/disk.md"), 10, Path("/srv/course/disk.md"), "disk.md")
    assert "/srv/course" in view.files_html([f], [], None, 10**9)
    assert "/srv/course" not in view.files_html([f], [], None, 10**9, show_paths=False)


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def test_no_temporary_upload_folder_is_left_behind(made):
    p = made()
    send(p, "t.txt", b"temporary\n")
    folder = p.upload.uploads[0].path.parent.parent
    assert folder.exists() and os.path.basename(folder).startswith("unstructured-nb-uploads-")
    p.close()
    assert not folder.exists()
