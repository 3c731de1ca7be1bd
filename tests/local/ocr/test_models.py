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
