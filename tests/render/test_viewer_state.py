"""The viewer's plain state: page turns, modes, filters, selection, side by side, and the static snapshot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from unstructured_nb.local.chunking import ChunkOptions, chunk_elements
from unstructured_nb.render.page_images import open_pages
from unstructured_nb.render.viewer_state import DocumentInput, PaneInput, ViewerState
from unstructured_nb.runs.sources import chunk_originals

from .pdfs import make_pdf, pixel_element

SAMPLES = Path("/work/shared/api/samples")
SIZE = (612.0, 792.0)


class CountingPages:
    """Pages that count what was drawn (the viewer must draw only the page on screen)."""

    def __init__(self, pages):
        self.inner, self.drawn = pages, []
        self.page_count = pages.page_count

    def size(self, page):
        return self.inner.size(page)

    def render(self, page, width):
        self.drawn.append((page, width))
        return self.inner.render(page, width)

    def close(self):
        self.inner.close()


def elements(pages=3, per_page=4):
    out = []
    for page in range(1, pages + 1):
        out.append(pixel_element("Title", (72, 60, 300, 84), SIZE, page))
        out += [pixel_element("NarrativeText", (72, 100 + 80 * i, 540, 160 + 80 * i), SIZE, page) for i in range(per_page - 1)]
    return out


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "doc.pdf"
    make_pdf(path, pages=3)
    return CountingPages(open_pages(path, "doc.pdf"))


def test_only_the_page_on_screen_is_drawn(pdf):
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("run", elements())], pdf)], chunk_originals)
    assert pdf.drawn == []
    state.image()
    state.set_page(3)
    state.image()
    state.image()
    assert [p for p, _ in pdf.drawn] == [1, 3]


def test_payload_has_this_pages_boxes_and_the_legend(pdf):
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("run", elements())], pdf)], chunk_originals)
    payload = state.payload()
    assert payload["kind"] == "pages" and payload["page_count"] == 3 and payload["modes"] == ["elements"]
    (pane,) = payload["panes"]
    assert len(pane["marks"]) == 4 and {m["t"] for m in pane["marks"]} == {"Title", "NarrativeText"}
    assert {e["type"]: e["count"] for e in pane["legend"]} == {"NarrativeText": 9, "Title": 3}
    state.set_page(99)
    assert state.page == 3


def test_select_turns_to_the_page_and_reports_what_is_missing(pdf):
    els = elements()
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("run", els)], pdf)], chunk_originals)
    found, missing = state.select([els[9]["element_id"], "nope"])
    assert found == [els[9]["element_id"]] and missing == ["nope"] and state.page == 3
    assert "NarrativeText" in state.detail() and state.selected_elements() == [(0, els[9])]


def test_chunks_mode_and_elements_mode_of_a_chunked_output(pdf):
    els = elements()
    chunks = chunk_elements(els, ChunkOptions(strategy="chunk_by_title", max_characters=300, include_orig_elements=True))
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("chunked", chunks)], pdf)], chunk_originals)
    assert state.mode == "chunks" and state.modes() == ["elements", "chunks"]
    chunk_marks = state.payload()["panes"][0]["marks"]
    assert chunk_marks and all("p" in m and m["n"] for m in chunk_marks)
    state.set_mode("elements")  # the originals, decoded from orig_elements
    assert len(state.payload()["panes"][0]["marks"]) == 4
    # selecting a chunk's id from elements mode switches back to chunks
    state.select([chunks[0]["element_id"]])
    assert state.mode == "chunks"


def test_two_runs_side_by_side_on_the_same_page(pdf):
    els = elements()
    small = chunk_elements(els, ChunkOptions(strategy="chunk_by_title", max_characters=60, include_orig_elements=True))
    large = chunk_elements(els, ChunkOptions(strategy="chunk_by_title", max_characters=2000, include_orig_elements=True))
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("small", small), PaneInput("large", large)], pdf)], chunk_originals)
    a, b = state.payload()["panes"]
    assert len(a["marks"]) > len(b["marks"]) >= 1
    state.set_page(2)
    assert [p for p, _ in pdf.drawn] == [] and state.image() is not None and [p for p, _ in pdf.drawn] == [2]
    html, text = state.snapshot()
    assert html.count("<svg") == 2 and "small: page 2 of 3" in html and "large: page 2 of 3" in html
    assert "small:" in text and "large:" in text


def test_without_a_source_boxes_are_drawn_on_blank_pages():
    state = ViewerState([DocumentInput("doc.pdf", [PaneInput("run", elements())], None, "no source here")], chunk_originals)
    assert state.kind == "pages" and state.image() is None and state.page_count == 3
    assert state.payload()["note"] == "no source here"
    html, _ = state.snapshot()
    assert html.count("<svg") == 1 and html.count("<rect") == 4 and "<image" not in html


def test_reading_view_for_documents_without_coordinates():
    docx = json.loads((SAMPLES / "small.docx.json").read_text())
    state = ViewerState([DocumentInput("small.docx", [PaneInput("run", docx)])], chunk_originals)
    assert state.kind == "reading"
    html = state.payload()["panes"][0]["html"]
    assert html.count('class="unb-el') == len(docx)
    state.select([docx[3]["element_id"]])
    assert 'unb-el unb-selected" data-i="3"' in state.payload()["panes"][0]["html"]
    snapshot, _ = state.snapshot()
    assert "<svg" not in snapshot and "unb-reading" in snapshot


@pytest.mark.skipif(not (SAMPLES / "inputs" / "small.pdf").exists(), reason="the shared samples are not here")
def test_snapshot_of_the_librarys_output_has_one_rect_per_element_with_coordinates():
    els = json.loads((SAMPLES / "small.pdf_fast.json").read_text())
    pages = open_pages(SAMPLES / "inputs" / "small.pdf", "small.pdf")
    state = ViewerState([DocumentInput("small.pdf", [PaneInput("library", els)], pages)], chunk_originals)
    html, text = state.snapshot()
    on_page_1 = [e for e in els if e["metadata"]["page_number"] == 1 and e["metadata"].get("coordinates")]
    assert html.count("<svg") == 1 and len(re.findall(r"<rect class=\"unb-box\"", html)) == len(on_page_1) == 26
    assert "data:image/png;base64," in html and "26 boxes on page 1 of 2" in text
    state.hidden = frozenset({"Title"})
    html, _ = state.snapshot()
    assert html.count("<rect") == len([e for e in on_page_1 if e["type"] != "Title"])


def test_hostile_text_in_the_snapshot_is_escaped():
    el = pixel_element("Title", (72, 60, 300, 84), SIZE, 1)
    el["text"] = "</title><script>alert(1)</script>"
    el["type"] = '<img src=x onerror="y">'
    html, _ = ViewerState([DocumentInput("doc.pdf", [PaneInput("<b>run</b>", [el])])], chunk_originals).snapshot()
    assert "<script" not in html and "<img" not in html and "<b>run" not in html
