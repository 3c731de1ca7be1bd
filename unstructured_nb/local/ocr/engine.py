"""Text lines from one page image with PP-OCRv4 (models shipped in rapidocr-onnxruntime's wheel, on onnxruntime).

The models are loaded once per worker process and reused (:mod:`.models`, where the settings
measured in benchmarks/bench_ocr.py are: detector at 960 px on the long side, lines recognized
one at a time at full resolution, one onnxruntime thread, no memory arena; the graphs with their affine
steps folded into the convolutions, the detector on the page's inked part only). The text-line angle
classifier is not used: on clean upright pages it flips lines and raises the character error
rate a hundredfold. A page a degree or two askew is handled here (see :func:`read_lines`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partition._errors import FileProcessingError

if TYPE_CHECKING:
    from PIL.Image import Image

    from .models import OcrSettings

#: Languages the shipped recognition model reads (PP-OCRv4 "ch": simplified Chinese and English),
#: by every spelling the platform accepts (Tesseract codes and ISO 639-1).
SUPPORTED_LANGUAGES = {"eng": "eng", "en": "eng", "chi_sim": "chi_sim", "zho": "chi_sim", "zh": "chi_sim", "chi": "chi_sim"}
#: Longest side, in pixels, a page image is read at; larger images are scaled down first.
MAX_SIDE = 4200
#: Detector-map pixels taken off the top and bottom of each line box (see :func:`read_lines`).
MARGIN = 1.5


@dataclass(frozen=True, slots=True)
class Line:
    """One recognized text line: its text, box (x0, y0, x1, y1 in image pixels) and confidence."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def scaled(self, factor: float) -> Line:
        return Line(self.text, self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor, self.score)


def check_languages(languages: tuple[str, ...] | list[str] | None, filename: str) -> None:
    """Raise :class:`FileProcessingError` when a requested OCR language is not one the model reads."""
    unknown = [lang for lang in languages or () if lang.strip().lower().replace("-", "_") not in SUPPORTED_LANGUAGES]
    if unknown:
        raise FileProcessingError(
            f"{filename}: OCR language(s) {', '.join(map(repr, unknown))} are not available in the local engine, "
            "whose OCR model reads English (eng) and simplified Chinese (chi_sim). Set languages to eng or "
            "chi_sim, or run this file on the Unstructured Platform."
        )


def prepare(image: Image) -> tuple[Image, float]:
    """The image as RGB, or L when it is grey (a third of the pixels to resample), scaled down to at most
    :data:`MAX_SIDE`; and the scale applied."""
    from PIL import Image as PILImage

    if image.mode == "1":
        image = image.convert("L")
    if image.mode not in ("RGB", "L"):
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            background = PILImage.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        else:
            image = image.convert("RGB")
    scale = 1.0
    side = max(image.size)
    if side > MAX_SIDE:
        scale = MAX_SIDE / side
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, PILImage.Resampling.LANCZOS)
    return image, scale


def skew(boxes: list[list[tuple[float, float]]]) -> float:
    """The page's skew in radians: the median slope of the top edges of long line boxes (0 if < 0.3 degree)."""
    angles = []
    for box in boxes:
        (x0, y0), (x1, y1), _, (x3, y3) = box[:4]
        height = math.hypot(x3 - x0, y3 - y0)
        if x1 - x0 > 3 * max(height, 1.0):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    if not angles:
        return 0.0
    angle = statistics.median(angles)
    return angle if abs(angle) > math.radians(0.3) else 0.0


def rotate(x: float, y: float, angle: float) -> tuple[float, float]:
    cos, sin = math.cos(angle), math.sin(angle)
    return x * cos - y * sin, x * sin + y * cos


def read_lines(image: Image, settings: OcrSettings | None = None) -> tuple[list[Line], float]:
    """Recognize the text lines of a page image, and the page's skew angle.

    A scan a degree or two askew has long lines whose upright boxes overlap the next line's, so
    line boxes are returned in the deskewed frame (rotated by minus the skew about the origin),
    in the given image's pixels; :func:`rotate` with the angle maps a point back to the image.
    ``settings`` (default: :func:`.models.default_settings`) are for the benchmark's measures.
    """
    import numpy as np

    from .models import default_settings, get_models, release_memory

    settings = settings or default_settings()
    prepared, scale = prepare(image)
    if settings.engine == "tesseract":
        from . import tesseract

        read = tesseract.read_lines(prepared, threads=settings.threads)
        del prepared
        return [ln.scaled(1 / scale) for ln in read], 0.0  # Tesseract deskews by itself
    models = get_models(settings)
    array = np.asarray(prepared)  # HxW (grey) or HxWx3 (RGB)
    del prepared
    quads, pixel = models.detect(array)
    texts = models.recognize([models.crop(array, quad) for quad in quads])
    del array
    release_memory()
    found = [(quad, text, score) for quad, (text, score) in zip(quads, texts, strict=True) if score >= models.settings.min_score]
    boxes = [[(float(x) / scale, float(y) / scale) for x, y in quad] for quad, _, _ in found]
    angle = skew(boxes)
    lines: list[Line] = []
    for points, (_, text, score) in zip(boxes, found, strict=True):
        if not text:
            continue
        if angle:
            points = [rotate(x, y, -angle) for x, y in points]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        top, bottom = min(ys), max(ys)
        # the box's margin from the detector's coarse map, off each side, so that line heights and
        # gaps compare as the text's own (measured: at 960 px boxes are a fifth taller otherwise)
        margin = min(MARGIN * pixel / scale, (bottom - top) / 4)
        lines.append(Line(text, min(xs), top + margin, max(xs), bottom - margin, score))
    return lines, angle


__all__ = ["MAX_SIDE", "SUPPORTED_LANGUAGES", "Line", "check_languages", "prepare", "read_lines", "rotate", "skew"]
