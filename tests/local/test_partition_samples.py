"""The local partitioner against the open-source library's real output (../shared/api/samples).

Each sample input is partitioned and compared with the library's JSON: element types, texts,
the deterministic element ids (sha256 of filename + text + page + sequence), parent ids and the
metadata fields the library sets. ``file_directory`` is left out on purpose: the platform's
uploads have no meaningful directory and our worker's temp path would leak into outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unstructured_nb.local.nodes import run_node

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "api" / "samples"

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "inputs").is_dir(),
    reason=f"library samples not found at {SAMPLES} (the shared reference folder next to the repo)",
)

PARTITION = {"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}
# metadata our output must match exactly (file_directory deliberately absent; coordinates checked apart)
_COMPARED = ("category_depth", "filename", "filetype", "languages", "page_number", "parent_id", "style_name", "text_as_html")


def _partition(input_name: str) -> list[dict]:
    return run_node(PARTITION, SAMPLES / "inputs" / input_name, filename=input_name).elements


def _reference(json_name: str) -> list[dict]:
    return json.loads((SAMPLES / json_name).read_text())


@pytest.mark.parametrize(
    ("input_name", "json_name"),
    [
        ("small.txt", "small.txt.json"),
        ("french.txt", "french.txt.json"),
        ("small.md", "small.md.json"),
        ("small.html", "small.html.json"),
        ("small.csv", "small.csv.json"),
        ("small.docx", "small.docx.json"),
    ],
)
def test_matches_library_output_exactly(input_name: str, json_name: str) -> None:
    ours = _partition(input_name)
    ref = _reference(json_name)
    assert [e["type"] for e in ours] == [e["type"] for e in ref]
    assert [e["text"] for e in ours] == [e["text"] for e in ref]
    assert [e["element_id"] for e in ours] == [e["element_id"] for e in ref]
    for mine, theirs in zip(ours, ref, strict=True):
        for key in _COMPARED:
            assert mine["metadata"].get(key) == theirs["metadata"].get(key), (key, mine["text"][:40])
        assert "file_directory" not in mine["metadata"]


def test_french_sample_is_detected_as_french() -> None:
    assert {tuple(e["metadata"]["languages"]) for e in _partition("french.txt")} == {("fra",)}


def test_pdf_same_text_and_pages_with_documented_differences() -> None:
    """The PDF differs in block boundaries, on purpose.

    The library's fast strategy (pdfminer boxes) glues a heading to the paragraph under it
    ("And Analysis Data it quarter ...") and calls bulleted lines NarrativeText. We keep a
    heading in a different font size as its own Title and mark lines drawn after a bullet glyph
    as ListItem. So we compare what must not differ: the full text in reading order, the page of
    every word, that the first element is the same Title with the same id, and that table cells
    come out as the same short elements.
    """
    ours = _partition("small.pdf")
    ref = _reference("small.pdf_fast.json")
    assert " ".join(e["text"] for e in ours) == " ".join(e["text"] for e in ref)
    assert ours[0]["type"] == ref[0]["type"] == "Title"
    assert ours[0]["element_id"] == ref[0]["element_id"]

    def words_by_page(elements: list[dict]) -> list[tuple[str, int]]:
        return [(w, e["metadata"]["page_number"]) for e in elements for w in e["text"].split()]

    # the library puts a block that spans a page break on the page where it starts; so do we
    assert words_by_page(ours) == words_by_page(ref)
    cells = ["name", "count", "score", "document", "77", "0.75", "that", "96", "0.69", "source", "38", "0.16"]
    ours_texts = [e["text"] for e in ours]
    start = ours_texts.index("name")
    assert ours_texts[start : start + len(cells)] == cells
    assert [e["type"] for e in ours[start + 4 : start + 6]] == ["UncategorizedText", "UncategorizedText"]
    headings = {e["text"] for e in ours if e["type"] == "Title"}
    assert {"Quarterly Report", "And Analysis", "Document Document To"} <= headings
    for mine, theirs in ((ours[0], ref[0]),):
        ref_points = theirs["metadata"]["coordinates"]["points"]
        our_points = mine["metadata"]["coordinates"]["points"]
        # left edge and vertical extent are exact; the right edge is estimated from the text length
        assert our_points[0][0] == pytest.approx(ref_points[0][0], abs=0.5)
        assert our_points[0][1] == pytest.approx(ref_points[0][1], abs=1.0)
        assert our_points[1][1] == pytest.approx(ref_points[1][1], abs=1.0)
        assert our_points[2][0] == pytest.approx(ref_points[2][0], rel=0.1)
