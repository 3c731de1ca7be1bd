"""The PP-OCRv4 pipeline on onnxruntime: input planes, line crops, CTC decoding, detection on a drawn line, settings."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.local.ocr.pages import font
from unstructured_nb.local.ocr import models
from unstructured_nb.local.ocr.models import REC_HEIGHT, Models, OcrSettings, default_settings, get_models, planes


def test_planes_grey_is_three_equal_channels_and_rgb_becomes_bgr() -> None:
    grey = np.array([[0, 255]], dtype=np.uint8)
    out = planes(grey)
    assert out.shape == (3, 1, 2) and out.dtype == np.float32
    assert out[:, 0, 0].tolist() == [-1.0, -1.0, -1.0] and out[:, 0, 1].tolist() == [1.0, 1.0, 1.0]
    rgb = np.zeros((1, 1, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 0, 0)  # pure red
    assert planes(rgb)[:, 0, 0].tolist() == [-1.0, -1.0, 1.0]  # red is the last plane in BGR


def _decoder() -> Models:
    decoder = Models.__new__(Models)  # only the character table is needed to decode
    decoder.characters = ["", "a", "b", " "]
    return decoder


def test_ctc_decoding_drops_repeats_and_blanks_and_keeps_one_space() -> None:
    columns = [1, 1, 0, 1, 2, 3, 3, 0, 3, 2, 0]  # a a _ a b ' ' ' ' _ ' ' b _
    pred = np.full((len(columns), 4), 0.1, dtype=np.float32)
    for col, cls in enumerate(columns):
        pred[col, cls] = 0.9
    text, score = _decoder().decode(pred)
    assert text == "aab b"  # repeats merged unless a blank parts them; runs of spaces are one
    assert score == pytest.approx(0.9)


def test_ctc_decoding_of_only_blanks_is_empty() -> None:
    pred = np.zeros((5, 4), dtype=np.float32)
    pred[:, 0] = 1.0
    assert _decoder().decode(pred) == ("", 0.0)


def test_default_settings_read_the_thread_count_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.ENV_THREADS, "1")
    assert default_settings().threads == 1
    for bad in ("0", "-2", "many", "100000"):
        monkeypatch.setenv(models.ENV_THREADS, bad)
        assert default_settings().threads == 1  # out of range or not a number: the default, not an error
    assert default_settings() == OcrSettings()


def _line_image(text: str, size: int = 40) -> np.ndarray:
    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((60, 70), text, font=font(size), fill=0)
    return np.asarray(image)


@pytest.mark.slow
def test_a_drawn_line_is_detected_cropped_and_read() -> None:
    engine = get_models()
    assert get_models() is engine  # loaded once per process
    image = _line_image("Label every bottle clearly")
    quads, pixel = engine.detect(image)
    assert len(quads) == 1 and pixel == pytest.approx(1.0)  # a small image is read at its own size
    x0, y0 = quads[0].min(axis=0)
    x1, y1 = quads[0].max(axis=0)
    assert 40 <= x0 <= 70 and 50 <= y0 <= 80 and 500 <= x1 <= 700 and 100 <= y1 <= 135
    crop = engine.crop(image, quads[0])
    assert crop.shape[0] == REC_HEIGHT and crop.shape[1] > 8 * REC_HEIGHT
    [(text, score)] = engine.recognize([crop])
    assert text == "Label every bottle clearly" and score > 0.9


@pytest.mark.slow
def test_large_type_is_shrunk_without_aliasing_and_a_vertical_box_is_turned() -> None:
    engine = get_models()
    image = _line_image("Report", size=120)
    quads, _ = engine.detect(image)
    [(text, _)] = engine.recognize([engine.crop(image, quads[0])])
    assert text == "Report"
    tall = np.array([[10, 10], [40, 10], [40, 300], [10, 300]], dtype=np.float32)
    turned = engine.crop(np.full((400, 100), 255, dtype=np.uint8), tall)
    assert turned.shape[0] == REC_HEIGHT and turned.shape[1] > turned.shape[0]


def test_the_content_box_is_the_inked_part_with_a_margin_or_the_whole_page() -> None:
    page = np.full((1000, 800), 255, dtype=np.uint8)
    assert models.content_box(page) == (0, 0, 800, 1000)  # nothing stands out: all of it
    page[300:340, 200:500] = 0
    x0, y0, x1, y1 = models.content_box(page)
    pad = round(0.02 * 1000)
    assert (x0, y0, x1, y1) == (200 - pad, 300 - pad, 500 + pad, 340 + pad)
    dark = 255 - page  # a dark page with light text: the same box
    assert models.content_box(dark) == (x0, y0, x1, y1)
    rgb = np.stack([page] * 3, axis=2)
    assert models.content_box(rgb) == (x0, y0, x1, y1)
    page[5, 5] = 0  # a lone speck fades in the quarter-size copy
    assert models.content_box(page) == (x0, y0, x1, y1)
    page[4:12, 4:12] = 0
    page[980:988, 780:788] = 0  # marks in both corners: most of the page, so all of it
    assert models.content_box(page) == (0, 0, 800, 1000)


@pytest.mark.slow
def test_boxes_found_in_the_cropped_part_are_in_the_whole_pages_pixels() -> None:
    line = _line_image("Label every bottle clearly")  # 900 x 200: read at its own size
    page = np.full((700, 960), 255, dtype=np.uint8)
    page[400:600, 40:940] = line
    [inside], _ = get_models(OcrSettings(crop=True)).detect(page)
    x0, y0, x1, y1 = models.content_box(page)
    assert (x0, y0) != (0, 0)
    whole = get_models(OcrSettings(crop=False))
    [part], _ = whole.detect(np.ascontiguousarray(page[y0:y1, x0:x1]))  # what the detector saw, alone
    assert np.array_equal(inside, part + np.array([x0, y0], dtype=np.float32))  # moved exactly by the offset
    [reference], _ = whole.detect(page)
    assert np.abs(inside - reference).max() <= 4.0  # and where the whole page's detection puts it
    assert 80 <= inside[:, 0].min() <= 110 and 450 <= inside[:, 1].min() <= 480
