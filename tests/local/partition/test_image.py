"""Images through OCR: generated pages with known text, checked for CER, types, coordinates and metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from unstructured_nb.local.nodes import run_node
from unstructured_nb.local.partition import FileProcessingError

from ..ocr.pages import cer, degrade, make_page


def partition(path: Path, filename: str | None = None, **settings: object) -> list[dict]:
    settings.setdefault("strategy", "auto")
    node = {"type": "partition", "subtype": "unstructured_api", "settings": settings}
    return run_node(node, path, filename=filename or path.name).elements


def text_of(elements: list[dict]) -> str:
    return "\n".join(e["text"] for e in elements)


@pytest.mark.slow
def test_png_page_text_types_and_metadata(tmp_path: Path) -> None:
    page = make_page(3)
    path = tmp_path / "scan.png"
    page.image.save(path)
    elements = partition(path)
    assert cer(page.text, text_of(elements)) <= 0.02
    assert elements[0]["type"] == "Title"
    assert [e["type"] for e in elements].count("NarrativeText") == 2
    items = [e["text"] for e in elements if e["type"] == "ListItem"]
    expected = [b.text for b in page.blocks if b.type == "ListItem"]
    assert len(items) == len(expected)
    # bullets removed, in order (OCR may still miss a space or a letter)
    assert all(cer(want, got) <= 0.1 and not got.startswith("\u2022") for want, got in zip(expected, items, strict=True))
    for element in elements:
        meta = element["metadata"]
        assert meta["page_number"] == 1
        assert meta["filetype"] == "image/png"
        assert meta["languages"] == ["eng"]
        coords = meta["coordinates"]
        assert coords["system"] == "PixelSpace"
        assert (coords["layout_width"], coords["layout_height"]) == page.image.size
        (x0, y0), _, (x1, y1), _ = coords["points"]
        assert 0 <= x0 < x1 <= page.image.width and 0 <= y0 < y1 <= page.image.height


@pytest.mark.slow
def test_two_columns_are_read_column_by_column(tmp_path: Path) -> None:
    page = make_page(5, layout="columns")
    path = tmp_path / "columns.png"
    page.image.save(path)
    elements = partition(path)
    assert cer(page.text, text_of(elements)) <= 0.02
    narrative = [e for e in elements if e["type"] == "NarrativeText"]
    assert len(narrative) == 4


@pytest.mark.slow
def test_multipage_tiff_jpeg_and_bmp(tmp_path: Path) -> None:
    first, second = make_page(7), make_page(8)
    # the top of each page (title and first paragraph) keeps the test short
    crops = [p.image.crop((0, 0, p.image.width, p.blocks[1].bottom + 5)) for p in (first, second)]
    tiff = tmp_path / "two.tiff"
    crops[0].save(tiff, save_all=True, append_images=[crops[1]], compression="tiff_lzw")
    elements = partition(tiff)
    assert {e["metadata"]["page_number"] for e in elements} == {1, 2}
    for number, page in enumerate((first, second), start=1):
        got = text_of([e for e in elements if e["metadata"]["page_number"] == number])
        assert cer("\n".join(b.text for b in page.blocks[:2]), got) <= 0.02
    assert all(e["metadata"]["filetype"] == "image/tiff" for e in elements)
    jpeg = tmp_path / "photo.jpg"
    degrade(crops[0], "jpeg").convert("RGB").save(jpeg, quality=60)
    assert cer("\n".join(b.text for b in first.blocks[:2]), text_of(partition(jpeg))) <= 0.05
    bmp = tmp_path / "page.bmp"
    crops[1].convert("RGB").save(bmp)
    with_breaks = partition(bmp, include_page_breaks=True)
    assert with_breaks[0]["metadata"]["filetype"] == "image/bmp"
    assert cer("\n".join(b.text for b in second.blocks[:2]), text_of(with_breaks)) <= 0.02


def test_fast_on_an_image_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    Image.new("L", (200, 100), 255).save(path)
    with pytest.raises(FileProcessingError, match=r"scan\.png: the fast strategy is not available for image files.*ocr_only"):
        partition(path, strategy="fast")


@pytest.mark.parametrize("key", ["languages", "ocr_languages"])
def test_unsupported_ocr_language_fails_clearly(tmp_path: Path, key: str) -> None:
    path = tmp_path / "scan.png"
    Image.new("L", (200, 100), 255).save(path)
    with pytest.raises(FileProcessingError, match=r"OCR language\(s\) 'kor' are not available.*eng.*chi_sim"):
        partition(path, **{key: ["eng", "kor"]})


def test_blank_and_corrupt_images_fail_clearly(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 200), 255).save(blank)
    with pytest.raises(FileProcessingError, match=r"blank\.png: OCR found no text"):
        partition(blank)
    corrupt = tmp_path / "bad.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(FileProcessingError, match=r"bad\.png .*(not a readable image|could not be read as an image)"):
        partition(corrupt)


@pytest.mark.slow
@pytest.mark.parametrize("condition", ["rotate2", "rotate-2"])
def test_a_page_two_degrees_askew_keeps_its_lines_and_order(tmp_path: Path, condition: str) -> None:
    page = make_page(31, layout="columns")
    image = degrade(page.image, condition)
    path = tmp_path / "askew.png"
    image.save(path)
    elements = partition(path)
    assert cer(page.text, text_of(elements)) <= 0.05
    assert [e["type"] for e in elements].count("NarrativeText") == 4
    for element in elements:  # boxes mapped back onto the tilted page
        (x0, y0), _, (x1, y1), _ = element["metadata"]["coordinates"]["points"]
        assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height
