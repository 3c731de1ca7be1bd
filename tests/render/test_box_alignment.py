"""Boxes where the text is: a reportlab PDF with known text positions through the local engine, and the library's output.

Each element's box must hold its text's known position within 2 points, and line up with the
ink on the page as pypdfium2 draws it: ink inside the box, near its edges, none sticking out.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth

from unstructured_nb.local.partition import PartitionSettings, partition_file
from unstructured_nb.render.boxes import element_box
from unstructured_nb.render.page_images import open_pages

from .pdfs import LINES_PER_PAGE, make_pdf

SAMPLES = Path("/work/shared/api/samples")
HEIGHT = 792.0
TOLERANCE = 2.0  # points


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("align") / "placed.pdf"
    placed = make_pdf(path, pages=3)
    elements, _ = partition_file(path, filename="placed.pdf", settings=PartitionSettings())
    return path, placed, elements


def _font(text: str, page: int) -> tuple[str, float]:
    for font, size, _x, _y, line in LINES_PER_PAGE[(page - 1) % len(LINES_PER_PAGE)]:
        if line == text:
            return font, float(size)
    raise KeyError(text)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_every_element_box_holds_its_texts_position(generated):
    _path, placed, elements = generated
    with_boxes = [e for e in elements if e["metadata"].get("coordinates")]
    assert len(with_boxes) == len(elements) >= len(placed) - 2  # lines may merge, but none is lost
    for element in with_boxes:
        page = element["metadata"]["page_number"]
        lines = [p for p in placed if p.page == page and _norm(p.text) in _norm(element["text"])]
        assert lines, f"no drawn line in {element['text']!r}"
        left, top, right, bottom = element_box(element["metadata"]["coordinates"]).scaled(612.0, HEIGHT)
        for line in lines:
            font, size = _font(line.text, page)
            x0, x1 = line.x, line.x + stringWidth(line.text, font, size)
            y_top = HEIGHT - (line.y + getAscent(font, size) * 0.7)  # cap height: every line starts with a capital or a letter
            y_base = HEIGHT - line.y
            assert left - TOLERANCE <= x0 and x1 <= right + TOLERANCE, (line.text, (left, right), (x0, x1))
            assert top - TOLERANCE <= y_top and y_base <= bottom + TOLERANCE, (line.text, (top, bottom), (y_top, y_base))
        assert bottom - HEIGHT + lines[0].y <= -getDescent(_font(lines[0].text, page)[0], lines[0].size) + 2 * TOLERANCE


def test_every_drawn_line_is_in_an_element(generated):
    _path, placed, elements = generated
    for line in placed:
        holders = [e for e in elements if e["metadata"]["page_number"] == line.page and _norm(line.text) in _norm(e["text"])]
        assert holders, f"{line.text!r} (page {line.page}) is in no element"


def _ink(image: Image.Image, box: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
    """The bounding box of dark pixels inside ``box`` (pixels), or None."""
    left, top, right, bottom = (max(0, round(v)) for v in box)
    region = image.crop((left, top, min(image.width, right), min(image.height, bottom))).point(lambda v: 255 if v < 140 else 0)
    found = region.getbbox()
    return None if found is None else (found[0] + left, found[1] + top, found[2] + left, found[3] + top)


def _check_ink(pdf: Path, elements: list[dict], width: int = 1224) -> int:
    """For every element with a box: ink under it, touching its edges, none just outside it. Returns boxes checked."""
    pages = open_pages(pdf, pdf.name)
    checked = 0
    for number in range(1, pages.page_count + 1):
        drawn = pages.render(number, width)
        image = Image.open(io.BytesIO(drawn.data)).convert("L")
        page_w, _page_h = pages.size(number)
        px = drawn.width / page_w  # pixels per point
        for element in elements:
            meta = element["metadata"]
            if meta.get("page_number") != number or not meta.get("coordinates"):
                continue
            box = element_box(meta["coordinates"]).scaled(drawn.width, drawn.height)
            ink = _ink(image, box)
            assert ink is not None, f"no ink under {element['text'][:40]!r} on page {number}"
            # tight: the ink reaches the box's left and bottom-ish edges within 2 points and a line's leading
            assert ink[0] - box[0] <= 2 * px + 1, (element["text"][:40], "left edge", ink, box)
            assert box[2] - ink[2] <= 3 * px + 1, (element["text"][:40], "right edge", ink, box)
            # nothing of it sticks out: around the box (2 points out, 5 points wide), only the neighbours' ink
            margin, ring = 2 * px, 5 * px
            for side in (
                (box[0] - margin - ring, box[1], box[0] - margin, box[3]),  # left of the box
                (box[2] + margin, box[1], box[2] + margin + ring, box[3]),  # right of it
            ):
                outside = _ink(image, side)
                assert outside is None, (element["text"][:40], "ink beside the box", side, outside)
            checked += 1
    pages.close()
    return checked


def test_local_engine_boxes_line_up_with_the_ink(generated):
    path, _placed, elements = generated
    assert _check_ink(path, elements) == len(elements)


@pytest.mark.skipif(not (SAMPLES / "inputs" / "small.pdf").exists(), reason="the shared samples are not here")
def test_the_librarys_boxes_line_up_with_the_ink():
    elements = json.loads((SAMPLES / "small.pdf_fast.json").read_text())
    assert _check_ink(SAMPLES / "inputs" / "small.pdf", elements) == len(elements)
