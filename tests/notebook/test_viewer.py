"""The page viewer widget driven through its traits, as the browser would (no front end): pages, clicks, filters, bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unstructured_nb
from unstructured_nb.local.chunking import ChunkOptions, chunk_elements
from unstructured_nb.notebook.viewer import Viewer, view

SAMPLES = Path("/work/shared/api/samples")
PDF = SAMPLES / "inputs" / "small.pdf"
pytestmark = pytest.mark.skipif(not PDF.exists(), reason="the shared samples are not here")


@pytest.fixture
def elements() -> list[dict]:
    return json.loads((SAMPLES / "small.pdf_fast.json").read_text())


def test_view_is_public_and_loaded_on_first_use(elements):
    viewer = unstructured_nb.view(elements, source=PDF)
    assert isinstance(viewer, Viewer) and unstructured_nb.Viewer is Viewer
    assert viewer.image and viewer.image_type == "image/png"
    assert len(viewer.payload["panes"][0]["marks"]) == 26 and viewer.payload["page_count"] == 2


def test_turning_the_page_sends_that_pages_image_and_boxes(elements):
    viewer = view(elements, source=PDF)
    first = viewer.image
    viewer.page = 2  # what the page's "next" button sets
    assert viewer.image != first and len(viewer.payload["panes"][0]["marks"]) == 12
    viewer.page = 7
    assert viewer.page == 2  # clamped, and sent back


def test_a_click_selects_the_element_and_selected_is_its_row(elements):
    viewer = view(elements, source=PDF)
    viewer.selected_ids = [elements[1]["element_id"]]  # what clicking its box sets
    assert "NarrativeText" in viewer.detail and "And Analysis Data" in viewer.detail
    row = viewer.selected
    assert list(row["element_id"]) == [elements[1]["element_id"]] and row.iloc[0]["page_number"] == 1
    assert list(row.columns[:6]) == ["filename", "node", "type", "element_id", "text", "page_number"]


def test_select_from_a_filtered_dataframe_turns_to_its_page(elements):
    import pandas as pd

    viewer = view(pd.DataFrame(elements).assign(filename="small.pdf"), source=PDF)
    frame = pd.DataFrame([{"element_id": e["element_id"], "type": e["type"]} for e in elements])
    titles_on_2 = frame[(frame.type == "Title")].iloc[-1:]
    assert viewer.select(titles_on_2) is viewer
    assert viewer.page == 2 and viewer.selected_ids == list(titles_on_2.element_id) and viewer.message == ""
    viewer.select(["missing-id"])
    assert "1 of the 1 ids are not elements of this view" in viewer.message
    with pytest.raises(ValueError, match="element_id column"):
        viewer.select(pd.DataFrame({"x": [1]}))


def test_hiding_a_type_and_the_static_bundle(elements):
    viewer = view(elements, source=PDF)
    bundle, _metadata = viewer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("<svg") == 1 and bundle["text/html"].count("<rect") == 26
    assert bundle["text/plain"].startswith("Page viewer of small.pdf")
    viewer.hidden = ["Title"]  # the legend's toggle
    assert viewer._repr_mimebundle_()[0]["text/html"].count("<rect") == 26 - 7


def test_chunk_mode_side_by_side(elements):
    fine = chunk_elements(elements, ChunkOptions(max_characters=200, include_orig_elements=True))
    coarse = chunk_elements(elements, ChunkOptions(max_characters=1500, include_orig_elements=True))
    viewer = view(fine, source=PDF, compare=coarse, titles=["200 characters", "1500 characters"])
    assert viewer.mode == "chunks"
    a, b = viewer.payload["panes"]
    assert (a["title"], b["title"]) == ("200 characters", "1500 characters") and len(a["marks"]) > len(b["marks"])
    viewer.mode = "elements"
    assert len(viewer.payload["panes"][0]["marks"]) == 26
    viewer.selected_ids = [elements[0]["element_id"]]  # the same element in both panes
    assert list(viewer.selected["view"]) == ["200 characters", "1500 characters"]


def test_the_reading_view_for_a_docx():
    docx = json.loads((SAMPLES / "small.docx.json").read_text())
    viewer = view(docx)
    assert viewer.payload["kind"] == "reading" and viewer.image == b"" and viewer.payload["note"] == ""
    viewer.selected_ids = [docx[2]["element_id"]]
    assert 'unb-selected" data-i="2"' in viewer.payload["panes"][0]["html"]


def test_a_wider_pane_redraws_the_page_sharper_once(elements):
    viewer = view(elements, source=PDF)
    small = len(viewer.image)
    viewer.view_width = 900
    assert len(viewer.image) == small
    viewer.view_width = 2100
    assert len(viewer.image) > small
    before = viewer.image
    viewer.view_width = 1000  # narrower again: the browser scales down, nothing is sent
    assert viewer.image is before


def test_javascript_and_css_ship_in_the_package():
    here = Path(unstructured_nb.__file__).parent / "notebook"
    script = (here / "viewer.js").read_text()
    assert "export default" in script and "http" not in script.replace('"http://www.w3.org/2000/svg"', "")
    assert (here / "viewer.css").exists()
