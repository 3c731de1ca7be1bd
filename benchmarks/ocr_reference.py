"""The library's OCR (unstructured 0.27.35, ``strategy="ocr_only"``: Tesseract) on page images, as JSON lines.

Run with the reference library's interpreter, the PDF overlay and unstructured.pytesseract on
``PYTHONPATH`` (benchmarks/bench_ocr.py does this, see its docstring)::

    PYTHONPATH=/work/ref/overlay:DIR /work/ref/venv/bin/python -m benchmarks.ocr_reference IMAGE ...

Each image gives one line ``{"path", "text", "wall", "cpu"}``: the elements' texts joined by
newlines, the call's wall seconds, and its CPU seconds (this process and the Tesseract
processes it started). The first image is OCR'd once untimed before, so imports and model
loading are not counted.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import warnings
from pathlib import Path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.pdf_reference import _offline_spacy

    _offline_spacy()
    from unstructured.partition.image import partition_image
    from unstructured.partition.pdf import partition_pdf

    def run(path: str) -> list:
        if path.endswith(".pdf"):
            return partition_pdf(filename=path, strategy="ocr_only", languages=["eng"])
        return partition_image(filename=path, strategy="ocr_only", languages=["eng"])

    if argv:
        run(argv[0])  # warm: imports, spaCy, the first Tesseract start
    for path in argv:
        wall, cpu = time.perf_counter(), _cpu()
        elements = run(path)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        text = "\n".join(str(e) for e in elements)
        print(json.dumps({"path": path, "text": text, "wall": wall, "cpu": cpu}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
