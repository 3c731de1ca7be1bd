"""The panel's results tabs: the View tab shows the page viewer of the latest run, with a picker of its files."""

from __future__ import annotations

import ipywidgets as widgets

from tests.fake_api import FakeAPI
from tests.render.pdfs import make_pdf, pixel_element
from unstructured_nb.notebook.panel_results import Results
from unstructured_nb.runs import PollPolicy, Tracker, start_run


def test_the_view_tab_shows_the_latest_runs_files(tmp_path):
    fake = FakeAPI(progress=("IN_PROGRESS", "COMPLETED"))
    fake.add_workflow("partition")
    pdf, notes = tmp_path / "report.pdf", tmp_path / "notes.md"
    make_pdf(pdf, pages=2)
    notes.write_text("# Notes\n\nSome text.\n")
    with fake.client() as client:
        run = start_run("partition", [str(pdf), str(notes)], client=client, track=False)
        for file_id, name in zip(run.job.input_file_ids, ("report.pdf", "notes.md"), strict=True):
            els = [pixel_element("Title", (72, 60, 300, 84), (612.0, 792.0), page) for page in (1, 2)]
            for e in els:
                e["metadata"]["filename"] = name
            if name == "notes.md":
                for e in els:
                    del e["metadata"]["coordinates"], e["metadata"]["page_number"]
            fake.outputs[(file_id, "n-partition")] = els
        run.track(Tracker(PollPolicy(initial=0.01, cap=0.02, max_rate=1000, burst=1000))).wait(timeout=10)

        results = Results(widgets.HTML("preview"))
        results.show_run(run)
        assert results.viewer is None  # nothing is built until the tab is opened
        results.tabs.selected_index = 1
        assert results.viewer.payload["kind"] == "pages" and results.viewer.image  # the PDF, from the run's own path
        assert results.area.children == (results.viewer,)
        assert results.viewer.payload["files"] == ["report.pdf", "notes.md"]
        results.viewer.file = 1  # the viewer's own file picker
        assert results.viewer.payload["kind"] == "reading"
