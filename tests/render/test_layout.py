"""Elements laid out on pages: page index, lazy boxes, counts, and chunks as unions of their originals."""

from __future__ import annotations

import pytest

from unstructured_nb.local.chunking import ChunkOptions, chunk_elements, decode_orig_elements
from unstructured_nb.render.layout import Layout, is_chunked, page_of, tip_of

from .pdfs import pixel_element

SIZE = (612.0, 792.0)


def originals(chunk):
    value = (chunk.get("metadata") or {}).get("orig_elements")
    return decode_orig_elements(value) if isinstance(value, str) else None


def two_pages():
    return [
        pixel_element("Title", (72, 60, 300, 80), SIZE, 1),
        pixel_element("NarrativeText", (72, 100, 540, 160), SIZE, 1),
        pixel_element("NarrativeText", (72, 170, 540, 230), SIZE, 1),
        {"type": "Image", "element_id": "no-coords", "text": "a figure", "metadata": {"page_number": 1}},
        pixel_element("Title", (72, 60, 300, 80), SIZE, 2),
        pixel_element("ListItem", (90, 100, 400, 115), SIZE, 2),
    ]


def test_pages_counts_and_boxes():
    lay = Layout(two_pages())
    assert lay.pages == [1, 2]
    assert lay.counts == {"Title": 2, "NarrativeText": 2, "Image": 1, "ListItem": 1}
    marks = lay.marks(1)
    assert [m.type for m in marks] == ["Title", "NarrativeText", "NarrativeText"]
    assert lay.boxless(1) == 1 and lay.boxless(2) == 0
    assert marks[0].box.left == pytest.approx(72 / 612) and marks[0].colour.startswith("#")
    assert lay.first_page_of(lay.index_of(two_pages()[5]["element_id"])) == 2


def test_boxes_are_worked_out_only_for_the_page_asked():
    elements = two_pages()
    for e in elements:  # without layout sizes, each page's size is asked for when its boxes are worked out
        coords = e["metadata"].get("coordinates")
        if coords:
            del coords["layout_width"], coords["layout_height"]
    calls = []
    lay = Layout(elements, page_size=lambda page: calls.append(page) or SIZE)
    assert calls == []
    assert len(lay.marks(2)) == 2 and calls == [2]
    lay.marks(2)
    assert calls == [2]


def test_hostile_page_numbers_and_types():
    elements = [
        {"type": None, "text": 5, "metadata": {"page_number": "3"}},
        {"type": "Title", "text": "x", "metadata": {"page_number": True}},
        {"type": "Title", "text": "y", "metadata": {"page_number": 2.0}},
        {"type": "Title", "text": "z", "metadata": "not a dict"},
        "not an element",
    ]
    elements = [e for e in elements if isinstance(e, dict)]
    assert [page_of(e) for e in elements] == [None, None, 2, None]
    lay = Layout(elements)
    assert lay.pages == [2] and lay.unpaged == 3
    assert tip_of(elements[0]) == "(no type)"


def test_tips_are_one_short_line():
    tip = tip_of({"type": "NarrativeText", "text": "word\n\n" * 500})
    assert tip.startswith("NarrativeText: word word") and len(tip) < 160 and "\n" not in tip


def test_an_element_with_coordinates_but_no_page_is_on_page_one():
    image_element = pixel_element("Title", (10, 10, 100, 40), (800, 600))
    del image_element["metadata"]["page_number"]
    assert Layout([image_element]).pages == [1]


def test_chunks_are_the_union_of_their_originals_per_page():
    elements = two_pages()
    for e in elements:
        e["text"] = e["text"] * 3
    chunks = chunk_elements(elements, ChunkOptions(strategy="chunk_by_title", max_characters=120, include_orig_elements=True))
    assert is_chunked(chunks) and not is_chunked(elements)
    lay = Layout(chunks, chunks=True, originals=originals)
    assert lay.pages == [1, 2]
    for page in (1, 2):
        for mark in lay.marks(page):
            assert mark.parts, "a chunk's originals are drawn inside it"
            assert mark.box.left <= min(p.left for p in mark.parts) and mark.box.bottom >= max(p.bottom for p in mark.parts)
            assert mark.label == str(mark.index + 1)
    first = lay.marks(1)[0]
    title, body = elements[0]["metadata"]["coordinates"]["points"], elements[1]["metadata"]["coordinates"]["points"]
    assert first.box.top == pytest.approx(title[0][1] / 792) and first.box.bottom == pytest.approx(body[1][1] / 792)


def test_a_chunk_across_two_pages_has_a_box_on_each():
    elements = [
        pixel_element("NarrativeText", (72, 700, 540, 760), SIZE, 1),
        pixel_element("NarrativeText", (72, 60, 540, 90), SIZE, 2),
    ]
    chunks = chunk_elements(
        elements, ChunkOptions(strategy="chunk_by_character", max_characters=1000, include_orig_elements=True)
    )
    assert len(chunks) == 1
    lay = Layout(chunks, chunks=True, originals=originals)
    assert lay.pages == [1] and lay.last_page == 2  # chunks are indexed by where they start
    assert len(lay.marks(1)) == len(lay.marks(2)) == 1 and lay.on_page(2) == [0]
    assert lay.pages_of(0) == [1, 2]


def test_chunks_without_originals_have_no_boxes():
    chunks = chunk_elements(two_pages(), ChunkOptions(strategy="chunk_by_title"))
    lay = Layout(chunks, chunks=True, originals=originals)
    assert all(lay.marks(p) == [] for p in lay.pages) and not lay.has_boxes()
