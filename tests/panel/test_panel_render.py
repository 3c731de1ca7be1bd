"""The panel's pure rendering helpers and path expansion (no widgets, no server)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pandas as pd

from unstructured_nb import _panel_html as ph
from unstructured_nb.models import JobDetails, NodeStats
from unstructured_nb.widgets import SUPPORTED_EXTENSIONS, expand_paths


def test_format_size_uses_readable_units():
    assert ph.format_size(0) == "0 B"
    assert ph.format_size(999) == "999 B"
    assert ph.format_size(1500) == "1.5 kB"
    assert ph.format_size(12_300_000) == "12.3 MB"
    assert ph.format_size(2_000_000_000) == "2.0 GB"
    assert ph.format_size(None) == "?"


def test_status_badges_are_coloured_and_escaped():
    done = ph.status_badge("COMPLETED")
    assert 'data-status="COMPLETED"' in done and "#1a7f37" in done
    assert "#cf222e" in ph.status_badge("FAILED")
    odd = ph.status_badge("<PAUSED>")
    assert "&lt;PAUSED&gt;" in odd and "<PAUSED>" not in odd


def test_frame_html_draws_status_badges_escapes_and_cuts_long_text():
    df = pd.DataFrame([{"job_id": "j1", "status": "STOPPED", "text": "<b>x</b>" + "y" * 300, "n": float("nan")}])
    out = ph.frame_html(df, max_chars=50)
    assert 'data-status="STOPPED"' in out
    assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "…" in out and 'title="' in out  # the full text stays in the tooltip
    assert "nan" not in out


def test_frame_text_aligns_columns_without_index():
    df = pd.DataFrame([{"a": "x", "status": "COMPLETED"}, {"a": "longer", "status": "FAILED"}])
    lines = ph.frame_text(df).splitlines()
    assert lines[0].split() == ["a", "status"]
    assert lines[1].index("COMPLETED") == lines[2].index("FAILED")


def test_files_listing_shows_sizes_total_and_a_warning_above_the_limit():
    entries = [
        ph.FileEntry("small.txt", 1200, "upload"),
        ph.FileEntry("huge.pdf", 25_000_000, "upload"),
        ph.FileEntry("disk.md", 10, "kernel", "/data/disk.md"),
    ]
    out = ph.files_html(entries, [], limit_bytes=10_000_000)
    assert "3 files" in out and "1.2 kB" in out and "25.0 MB" in out and "/data/disk.md" in out
    assert "Over the 10.0 MB size limit: huge.pdf" in out
    assert "kernel's disk" in out  # an upload above the limit: advice to use the kernel's disk
    text = ph.files_text(entries, [], 10_000_000)
    assert "huge.pdf  25.0 MB  (uploaded)  ⚠ over the size limit" in text
    assert "Over the" not in ph.files_html(entries[:1], [], 10_000_000)


def test_files_listing_with_nothing_chosen_and_with_problems():
    assert "No files chosen" in ph.files_html([], [], 1)
    out = ph.files_html([], ["'x.pdf' does not exist"], 1)
    assert "does not exist" in out and "No files chosen" not in out


def test_progress_bars_from_details():
    details = JobDetails(
        id="j",
        processing_status="IN_PROGRESS",
        node_stats=(NodeStats(node_name="partition", node_subtype="fast", ready=2, in_progress=1, success=1, failure=0),),
    )
    out = ph.progress_html("run 1", details)
    assert "partition (fast)" in out and "1/4 done" in out and "width:25.0%" in out
    assert "1/4 done, 1 running, 2 waiting" in ph.progress_text("run 1", details)
    assert ph.progress_html("run 1", None) == ""


def test_failed_files_and_error_box_escape_their_text():
    failed = [SimpleNamespace(document="<bad>.pdf", error="not a PDF")]
    out = ph.failed_html("run 2", failed)
    assert "&lt;bad&gt;.pdf" in out and "not a PDF" in out
    box = ph.error_html("Cannot reach <server>.")
    assert 'role="alert"' in box and "&lt;server&gt;" in box
    assert ph.error_html("") == ""


def test_expand_paths_files_globs_folders_and_problems(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.md").write_text("bb")
    sub = tmp_path / "my docs"
    sub.mkdir()
    (sub / "c.txt").write_text("ccc")
    (sub / ".hidden").write_text("x")
    (tmp_path / "empty").mkdir()

    entries, problems = expand_paths("*.txt b.md", cwd=str(tmp_path))
    assert [e.name for e in entries] == ["a.txt", "b.md"] and problems == []
    assert entries[1].size == 2 and entries[1].source == "kernel" and os.path.isabs(entries[1].path)

    entries, problems = expand_paths('"my docs" a.txt a.txt', cwd=str(tmp_path))
    assert [e.name for e in entries] == ["c.txt", "a.txt"]  # a folder gives its files; duplicates once

    entries, problems = expand_paths("**/*.txt", cwd=str(tmp_path))
    assert sorted(e.name for e in entries) == ["a.txt", "c.txt"]

    entries, problems = expand_paths("missing.pdf *.docx empty", cwd=str(tmp_path))
    assert entries == []
    assert len(problems) == 3
    assert "does not exist" in problems[0] and str(tmp_path) in problems[0]
    assert "No file matches '*.docx'" in problems[1]
    assert "has no files" in problems[2]

    assert expand_paths("", cwd=str(tmp_path)) == ([], [])


def test_accept_filter_lists_extensions():
    assert ".pdf" in SUPPORTED_EXTENSIONS and ".docx" in SUPPORTED_EXTENSIONS and ".md" in SUPPORTED_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in SUPPORTED_EXTENSIONS)
