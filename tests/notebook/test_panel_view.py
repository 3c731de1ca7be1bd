"""The panel's own parts drawn from plain values (no widgets, no server): files, errors, results."""

from __future__ import annotations

from pathlib import Path

from unstructured_nb.filetypes import PLATFORM_EXTENSIONS
from unstructured_nb.notebook import panel_view as view
from unstructured_nb.notebook.panel_state import Preview
from unstructured_nb.runs import InputFile


def test_files_listing_shows_sizes_total_and_a_warning_above_the_limit():
    files = [
        InputFile("small.txt", ("small.txt", b""), 1200, None, "uploaded"),
        InputFile("huge.pdf", ("huge.pdf", b""), 25_000_000, None, "uploaded"),
        InputFile("disk.md", Path("/data/disk.md"), 10, Path("/data/disk.md"), "/data/disk.md"),
    ]
    out = view.files_html(files, [], None, limit=10_000_000)
    assert "3 files" in out and "1.2 kB" in out and "25.0 MB" in out and "/data/disk.md" in out
    assert "Over the 10.0 MB size limit: huge.pdf" in out
    assert "Over the" not in view.files_html(files, [], None, limit=10_000_000, remote=False)  # the local engine's own limit
    assert "huge.pdf  25.0 MB  (uploaded)  ⚠ over the size limit" in view.files_text(files, [], 10_000_000)
    assert "Over the" not in view.files_html(files[:1], [], None, 10_000_000)


def test_files_listing_with_nothing_chosen_with_problems_and_with_a_note():
    assert "No files chosen" in view.files_html([], [], None, 1)
    out = view.files_html([], ["x.pdf (not found)"], "Left out 1 file of a type the platform does not partition: a.exe.", 1)
    assert "x.pdf (not found)" in out and "No files chosen" not in out and "Left out 1 file" in out


def test_many_files_are_counted_not_all_listed():
    files = [InputFile(f"f{i}.txt", ("f", b""), 1, None, "uploaded") for i in range(20)]
    out = view.files_html(files, [], None, 10, max_rows=8)
    assert out.count("<tr>") == 1 + 8 + 1 and "… and 12 more" in out


def test_error_box_and_results_escape_their_text():
    box = view.error_html("Cannot reach <server>.")
    assert 'role="alert"' in box and "&lt;server&gt;" in box and view.error_html("") == ""
    preview = Preview(
        "Results of run 1", ("type", "text"), (("Title", "<b>Hi</b>"), ("NarrativeText", "x" * 300)), hint="All of them: ..."
    )
    out = view.preview_html(preview)
    assert "&lt;b&gt;Hi&lt;/b&gt;" in out and "<b>Hi</b>" not in out and "…" in out and "All of them" in out
    assert view.preview_html(None) == ""


def test_the_upload_accepts_the_platforms_extensions():
    assert {".pdf", ".docx", ".md", ".png"} <= set(PLATFORM_EXTENSIONS)
    assert all(ext.startswith(".") and ext == ext.lower() for ext in PLATFORM_EXTENSIONS)
