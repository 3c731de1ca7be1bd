"""PP-OCRv4 text detection and recognition on onnxruntime, with the models rapidocr-onnxruntime ships in its wheel.

RapidOCR's own pipeline is not used (measured in benchmarks/bench_ocr.py, settings table in
benchmarks/RESULTS.md): its detector ignores the configured size when ``limit_type`` is "max"
and reads a letter page at 2000 px, it normalizes in float64, pads recognition batches to their
widest line, and it crops at full resolution before resizing. Here the detector sees the page
at :attr:`OcrSettings.det_side` px on its long side, each text line is warped straight to the
recognizer's 48 px height, lines are recognized one at a time (no padding), and the CTC output
is decoded greedily. The graphs run with their affine steps folded into the convolutions
(:mod:`.graph`, exact, twice as fast), and the detector reads only the page's inked part
(:func:`content_box`) at the whole page's scale. Sessions are created once per process with the
settings below.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..partition._errors import FileProcessingError

#: Height, in pixels, of a text line as the recognizer reads it (the model's training height).
REC_HEIGHT = 48
_MIN_REC_WIDTH = 16
#: Environment variable: onnxruntime threads per session (default 1: the engine runs a worker per core).
ENV_THREADS = "UNSTRUCTURED_NB_OCR_THREADS"
#: Environment variable: ``tesseract`` reads pages with Debian's Tesseract instead (:mod:`.tesseract`).
ENV_ENGINE = "UNSTRUCTURED_NB_OCR_ENGINE"


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """What the OCR models run with; the defaults are the measured choice (benchmarks/RESULTS.md)."""

    #: long side, in pixels, of the image the text detector sees (PP-OCR's 960 reads 9 pt at 300 dpi)
    det_side: int = 960
    #: text lines per recognizer call; 1 wastes nothing on padding, and measured fastest
    rec_batch: int = 1
    #: onnxruntime intra-op threads per session
    threads: int = 1
    #: onnxruntime's CPU memory arena (off: it keeps the largest page's buffers for the process's life)
    arena: bool = False
    #: DB post-processing: how far a detected text kernel is grown back to the line's box, and whether
    #: the probability map is dilated first (at 960 px dilation adds ~a fifth to every line's height)
    unclip_ratio: float = 1.6
    dilation: bool = False
    #: a line's recognition score under which it is dropped (RapidOCR's default)
    min_score: float = 0.5
    #: run the models rewritten with their affine steps folded into the convolutions (:mod:`.graph`: exact,
    #: checked against the shipped graphs, cached on disk); off: the graphs as shipped
    fused: bool = True
    #: detect on the page's inked part only (:func:`content_box`), at the same scale: margins cost nothing
    crop: bool = True
    #: "pp-ocr" (the models here) or "tesseract" (opt-in, when installed: :mod:`.tesseract`)
    engine: str = "pp-ocr"


def default_settings() -> OcrSettings:
    raw = os.environ.get(ENV_THREADS, "").strip()
    threads = int(raw) if raw.isdigit() and 0 < int(raw) <= (os.cpu_count() or 1) else 1
    engine = "tesseract" if os.environ.get(ENV_ENGINE, "").strip().lower() == "tesseract" else "pp-ocr"
    return OcrSettings(threads=threads, engine=engine)


class Models:
    """The detection and recognition sessions and the recognizer's character table."""

    def __init__(self, settings: OcrSettings) -> None:
        try:
            import onnxruntime as ort
            import rapidocr_onnxruntime
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess
        except ImportError:
            raise FileProcessingError(
                "OCR needs the rapidocr-onnxruntime package, which is missing from this environment; "
                "reinstall unstructured_nb (pip install unstructured_nb) to get it"
            ) from None
        self.settings = settings
        folder = Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"
        options = ort.SessionOptions()
        options.log_severity_level = 4
        options.enable_cpu_mem_arena = settings.arena
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        # idle pool threads sleep instead of spinning: the other worker needs the core
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = ["CPUExecutionProvider"]
        det, rec = folder / "ch_PP-OCRv4_det_infer.onnx", folder / "ch_PP-OCRv4_rec_infer.onnx"
        if settings.fused:
            from .graph import fast_model

            det_model, rec_model = fast_model(det, (1, 3, 64, 64)), fast_model(rec, (1, 3, REC_HEIGHT, 96))
        else:
            det_model, rec_model = str(det), str(rec)
        self.det = ort.InferenceSession(det_model, options, providers=providers)
        self.rec = ort.InferenceSession(rec_model, options, providers=providers)
        self._det_input = self.det.get_inputs()[0].name
        self._rec_input = self.rec.get_inputs()[0].name
        characters = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.characters = ["", *characters, " "]  # CTC blank first, space last (PP-OCR's table)
        self.postprocess = DBPostProcess(
            thresh=0.3,
            box_thresh=0.5,
            max_candidates=1000,
            unclip_ratio=settings.unclip_ratio,
            use_dilation=settings.dilation,
            score_mode="fast",
        )

    def detect(self, image: Any) -> tuple[list[Any], float]:
        """Text-line quadrilaterals (4x2 float32, clockwise from top-left) in ``image``'s pixels (uint8, HxW or HxWx3 RGB).

        Also the size, in image pixels, of one pixel of the detector's map: a line's box is about
        that much too large on each side (the map's resolution), which the layout needs to know.
        """
        import cv2
        import numpy as np

        height, width = image.shape[:2]
        ratio = min(1.0, self.settings.det_side / max(height, width))
        # the detector reads only the inked part of the page, at the whole page's scale
        x0, y0, x1, y1 = content_box(image) if self.settings.crop else (0, 0, width, height)
        part = image[y0:y1, x0:x1]
        det_h = max(32, round((y1 - y0) * ratio / 32) * 32)
        det_w = max(32, round((x1 - x0) * ratio / 32) * 32)
        small = cv2.resize(part, (det_w, det_h), interpolation=cv2.INTER_AREA)
        batch = planes(small)[np.newaxis]
        del small
        pred = self.det.run(None, {self._det_input: batch})[0]
        del batch
        boxes, _ = self.postprocess(pred, part.shape[:2])
        out = []
        for box in boxes:
            quad = np.asarray(box, dtype=np.float32).reshape(4, 2) + np.array([x0, y0], dtype=np.float32)
            quad[:, 0] = np.clip(quad[:, 0], 0, width - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, height - 1)
            by_x = quad[np.argsort(quad[:, 0], kind="stable")]
            left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
            right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
            quad = np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)
            if np.linalg.norm(quad[0] - quad[1]) > 3 and np.linalg.norm(quad[0] - quad[3]) > 3:
                out.append(quad)
        return out, 1 / ratio

    def crop(self, image: Any, quad: Any) -> Any:
        """The line inside ``quad``, upright, at :data:`REC_HEIGHT` px high (vertical lines turned)."""
        import cv2
        import numpy as np

        width = float(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
        height = float(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
        if height >= 1.5 * width:  # a vertical line: read it turned, as PP-OCR does
            quad = np.roll(quad, -1, axis=0)
            width, height = height, width
        out_w = max(_MIN_REC_WIDTH, round(width * REC_HEIGHT / max(height, 1.0)))
        target = np.array([[0, 0], [out_w, 0], [out_w, REC_HEIGHT], [0, REC_HEIGHT]], dtype=np.float32)
        matrix = cv2.getPerspectiveTransform(quad, target)
        if height > 2 * REC_HEIGHT:  # a plain warp aliases when it shrinks more than twice: area-resize first
            x0, y0 = (max(0, int(v)) for v in np.floor(quad.min(axis=0)))
            x1, y1 = (int(v) + 1 for v in np.ceil(quad.max(axis=0)))
            factor = REC_HEIGHT / height
            image = cv2.resize(image[y0:y1, x0:x1], None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            matrix = cv2.getPerspectiveTransform((quad - np.array([x0, y0], dtype=np.float32)) * np.float32(factor), target)
        return cv2.warpPerspective(image, matrix, (out_w, REC_HEIGHT), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)

    def recognize(self, crops: list[Any]) -> list[tuple[str, float]]:
        """Text and mean character confidence of each crop, in order."""
        import numpy as np

        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1])
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        size = max(1, self.settings.rec_batch)
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            width = max(crops[i].shape[1] for i in chunk)
            batch = np.zeros((len(chunk), 3, REC_HEIGHT, width), dtype=np.float32)
            for row, index in enumerate(chunk):
                crop = crops[index]
                batch[row, :, :, : crop.shape[1]] = planes(crop)
            pred = self.rec.run(None, {self._rec_input: batch})[0]
            for row, index in enumerate(chunk):
                results[index] = self.decode(pred[row])
        return results

    def decode(self, pred: Any) -> tuple[str, float]:
        """Greedy CTC: the best class per column, repeats and blanks dropped; runs of spaces made one."""
        import numpy as np

        best = pred.argmax(axis=1)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        if not keep.any():
            return "", 0.0
        text = "".join(self.characters[i] for i in best[keep])
        return " ".join(text.split()), float(pred.max(axis=1)[keep].mean())


def content_box(image: Any) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the part of a page image that differs from its background, with a margin; the whole image
    when that is most of it or when nothing stands out.

    A grey copy at a quarter of the size is compared with its median (the paper, dark or light);
    what differs by more than :data:`_INK` is content. The margin, :data:`_CROP_MARGIN` of the long
    side, is wider than any stroke the downscaling can fade, and the detector's own context.
    """
    import cv2
    import numpy as np

    height, width = image.shape[:2]
    grey = image if image.ndim == 2 else image.min(axis=2)
    small = cv2.resize(grey, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    ink = np.abs(small.astype(np.int16) - int(np.median(small))) > _INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return 0, 0, width, height
    pad = round(_CROP_MARGIN * max(height, width))
    x0, x1 = max(0, cols[0] * 4 - pad), min(width, (cols[-1] + 1) * 4 + pad)
    y0, y1 = max(0, rows[0] * 4 - pad), min(height, (rows[-1] + 1) * 4 + pad)
    if (x1 - x0) * (y1 - y0) > 0.9 * width * height:
        return 0, 0, width, height
    return int(x0), int(y0), int(x1), int(y1)


_INK = 40
_CROP_MARGIN = 0.02


def planes(image: Any) -> Any:
    """A uint8 image (HxW grey or HxWx3 RGB) as the models' input: 3xHxW float32 in [-1, 1], BGR order."""
    import numpy as np

    scaled = image.astype(np.float32) * np.float32(2 / 255) - np.float32(1)
    if scaled.ndim == 2:
        return np.ascontiguousarray(np.broadcast_to(scaled, (3, *scaled.shape)))
    return np.ascontiguousarray(scaled[:, :, ::-1].transpose(2, 0, 1))


def release_memory() -> None:
    """Hand freed heap back to the system (glibc's malloc_trim), once a page is done.

    Measured (benchmarks/bench_ocr_memory.py): without it, a worker's RSS climbed from 280 MB to
    950 MB over a 200-page scan, as glibc kept the freed buffers of variously sized recognizer
    inputs; with it, RSS stays flat at about 270 MB. Elsewhere than glibc this does nothing.
    """
    global _trim
    if _trim is None:
        import ctypes
        import ctypes.util

        try:
            _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)


_trim: Any = None
_lock = threading.Lock()
_models: dict[OcrSettings, Models] = {}


def get_models(settings: OcrSettings | None = None) -> Models:
    """The process's models for ``settings`` (default: :func:`default_settings`), created at first use."""
    settings = settings or default_settings()
    with _lock:
        models = _models.get(settings)
        if models is None:
            _models.clear()  # one set of sessions per process
            models = _models[settings] = Models(settings)
        return models


__all__ = [
    "ENV_ENGINE",
    "ENV_THREADS",
    "REC_HEIGHT",
    "Models",
    "OcrSettings",
    "content_box",
    "default_settings",
    "get_models",
    "release_memory",
]
