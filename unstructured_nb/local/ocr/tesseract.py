"""Text lines from Debian's Tesseract (optional, opt-in): its TSV word boxes grouped into lines for our layout.

Chosen with ``UNSTRUCTURED_NB_OCR_ENGINE=tesseract`` when the ``tesseract`` command is installed
(``apt-get install tesseract-ocr``). It is about twice as fast per page as PP-OCRv4 here but
misreads more (bullets, small type; benchmarks/RESULTS.md), so it is not the default. Tesseract
reads the page; its own layout is not used: words are grouped by Tesseract's (block, paragraph,
line) numbers into lines, which go through :mod:`.layout` like PP-OCR's, so reading order and
element types come from one place.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from ..partition._errors import FileProcessingError

if TYPE_CHECKING:
    from PIL.Image import Image

    from .engine import Line

#: Seconds one page may take in Tesseract (the worker's own time limit still applies to the file).
PAGE_TIMEOUT = 300
_LANGS = {"eng": "eng", "chi_sim": "chi_sim"}


def available() -> bool:
    return shutil.which("tesseract") is not None


def read_lines(image: Image, language: str = "eng", threads: int = 1) -> list[Line]:
    """Tesseract's lines on ``image`` (RGB or L), boxes in its pixels, confidence 0-1."""
    from .engine import Line

    if not available():
        raise FileProcessingError(
            "UNSTRUCTURED_NB_OCR_ENGINE is set to tesseract, but the tesseract command is not installed: "
            "install it (apt-get install tesseract-ocr) or unset UNSTRUCTURED_NB_OCR_ENGINE to use the built-in OCR"
        )
    buffer = io.BytesIO()
    image.save(buffer, "PPM")  # uncompressed: the quickest for Pillow to write and Leptonica to read
    env = dict(os.environ, OMP_THREAD_LIMIT=str(max(1, threads)))
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", _LANGS.get(language, "eng"), "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            env=env,
            timeout=PAGE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise FileProcessingError(
            f"Tesseract took over {PAGE_TIMEOUT} s on one page; split the file or unset UNSTRUCTURED_NB_OCR_ENGINE"
        ) from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise FileProcessingError(
            f"Tesseract failed on a page ({message[0][:200]}); unset UNSTRUCTURED_NB_OCR_ENGINE to use the built-in OCR"
        )
    return group_words(done.stdout.decode("utf-8", "replace"), Line)


def group_words(tsv: str, line_type: type[Line]) -> list[Line]:
    """Lines from Tesseract's TSV: the words (level 5) of each (page, block, paragraph, line), left to right."""
    rows: dict[tuple[str, ...], list[tuple[float, float, float, float, float, str]]] = {}
    for raw in tsv.splitlines()[1:]:
        cells = raw.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        try:
            left, top, width, height, conf = (float(c) for c in cells[6:11])
        except ValueError:
            continue
        rows.setdefault(tuple(cells[1:5]), []).append((left, top, left + width, top + height, conf, cells[11].strip()))
    lines = []
    for words in rows.values():
        words.sort(key=lambda w: w[0])
        scores = [w[4] for w in words if w[4] >= 0]
        lines.append(
            line_type(
                " ".join(w[5] for w in words),
                min(w[0] for w in words),
                min(w[1] for w in words),
                max(w[2] for w in words),
                max(w[3] for w in words),
                (sum(scores) / len(scores) / 100) if scores else 0.0,
            )
        )
    return lines


__all__ = ["PAGE_TIMEOUT", "available", "group_words", "read_lines"]
