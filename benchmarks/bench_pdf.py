"""PDF against the library's fast strategy: type-sequence match, word coverage, boxes, speed, memory.

Scores the local PDF partitioner on ``tests/local/partition/pdf_corpus`` against the library's
stored output (``reference/<name>.json``, see the corpus's SOURCES.md), and, when the reference
library can be imported by ``--library PYTHON`` (its interpreter, PDF overlay on PYTHONPATH), times
both partitioners on the same files in the same run. ``--pages 500`` also builds a PDF of that many
pages by repeating corpus pages (pypdf) and reports the peak memory of partitioning it in a fresh
process (``ru_maxrss``). The figures go to the ``pdf`` section of benchmarks/RESULTS.md unless
``--no-write``::

    LIBRARY_PYTHONPATH=/work/ref/overlay python -m benchmarks.bench_pdf [--library /work/ref/venv/bin/python] [--pages 500]
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "local" / "partition" / "pdf_corpus"
BOX_TOLERANCE = 2.0  # points


@dataclass
class PdfScore:
    name: str
    type_match: float
    coverage: float
    boxes_compared: int
    boxes_within: int


def corpus() -> list[Path]:
    """Corpus PDFs that have a stored library reference."""
    return sorted(p for p in CORPUS.glob("*.pdf") if (CORPUS / "reference" / (p.stem + ".json")).exists())


def reference(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((CORPUS / "reference" / (path.stem + ".json")).read_text())
    return data


def ours(path: Path) -> list[dict[str, Any]]:
    from unstructured_nb.local.partition import PartitionSettings, partition_file

    elements, _ = partition_file(path, filename=path.name, settings=PartitionSettings())
    return elements


def _words(texts: list[str]) -> Counter[str]:
    return Counter(w for t in texts for w in t.split())


def score(path: Path, mine: list[dict[str, Any]], ref: list[dict[str, Any]]) -> PdfScore:
    types = [e["type"] for e in mine]
    ref_types = [e["type"] for e in ref]
    type_match = difflib.SequenceMatcher(None, types, ref_types, autojunk=False).ratio() if ref_types else 1.0
    want = _words([e["text"] for e in ref])
    have = _words([e["text"] for e in mine])
    coverage = sum((want & have).values()) / max(1, sum(want.values()))
    # boxes: elements with the same page and text in both, paired in order
    by_key: dict[tuple[Any, str], list[list[list[float]]]] = {}
    for e in mine:
        coords = e.get("metadata", {}).get("coordinates") or {}
        by_key.setdefault((e["metadata"].get("page_number"), e["text"]), []).append(coords.get("points", []))
    compared = within = 0
    for e in ref:
        candidates = by_key.get((e["page_number"], e["text"]))
        if not candidates or not e["points"]:
            continue
        points = candidates.pop(0)
        compared += 1
        if len(points) == 4 and all(
            abs(a - b) <= BOX_TOLERANCE for p, q in zip(points, e["points"], strict=True) for a, b in zip(p, q, strict=True)
        ):
            within += 1
    return PdfScore(path.name, round(type_match, 3), round(coverage, 4), compared, within)


def score_corpus() -> list[PdfScore]:
    return [score(p, ours(p), reference(p)) for p in corpus()]


def _time_ours(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        ours(p)
    return time.perf_counter() - start


_LIBRARY_TIMER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from benchmarks.pdf_reference import _offline_spacy
_offline_spacy()
from unstructured.partition.pdf import partition_pdf
paths = sys.argv[1:]
partition_pdf(filename=paths[0], strategy="fast")  # warm-up: imports and models
start = time.perf_counter()
for p in paths:
    partition_pdf(filename=p, strategy="fast")
print(time.perf_counter() - start)
"""


def time_library(python: str, paths: list[Path]) -> float | None:
    code = _LIBRARY_TIMER.format(root=str(Path(__file__).resolve().parent.parent))
    # the PDF overlay (pikepdf, pdfminer, unstructured-inference) goes on the library's path only
    env = {**os.environ, "PYTHONPATH": os.environ.get("LIBRARY_PYTHONPATH", "")}
    run = subprocess.run([python, "-c", code, *map(str, paths)], capture_output=True, text=True, timeout=1800, env=env)
    if run.returncode != 0:
        print(f"library timing failed: {run.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return float(run.stdout.strip().splitlines()[-1])


def build_long_pdf(pages: int, out: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    sources = [PdfReader(str(p)) for p in corpus()]
    pool = [page for reader in sources for page in reader.pages]
    for i in range(pages):
        writer.add_page(pool[i % len(pool)])
    with open(out, "wb") as handle:
        writer.write(handle)
    return out


def peak_memory_mb(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of partitioning ``path`` in a fresh interpreter."""
    code = (
        "import resource, sys, time\nfrom pathlib import Path\n"
        "from unstructured_nb.local.partition import PartitionSettings, partition_file\n"
        "t = time.perf_counter()\n"
        "partition_file(Path(sys.argv[1]), filename='long.pdf', settings=PartitionSettings())\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=3600)
    seconds, mb = run.stdout.split()
    return float(seconds), float(mb)


def main(argv: list[str]) -> int:
    library = argv[argv.index("--library") + 1] if "--library" in argv else None
    pages = int(argv[argv.index("--pages") + 1]) if "--pages" in argv else 0
    scores = score_corpus()
    lines = ["| pdf | type sequence | word coverage | boxes within 2 pt |", "|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.name} | {s.type_match:.3f} | {s.coverage:.4f} | {s.boxes_within}/{s.boxes_compared} |")
    n = len(scores)
    compared = sum(s.boxes_compared for s in scores)
    within = sum(s.boxes_within for s in scores)
    lines.append(
        f"| **mean of {n}** | **{sum(s.type_match for s in scores) / n:.3f}** | "
        f"**{sum(s.coverage for s in scores) / n:.4f}** | **{within}/{compared}** |"
    )
    paths = corpus()
    mine = _time_ours(paths)
    lines.append(f"\nlocal partitioner: {mine:.2f} s for {n} PDFs (wall clock, one process)")
    if library:
        theirs = time_library(library, paths)
        if theirs is not None:
            lines.append(f"library (fast), same files, same run: {theirs:.2f} s; **speed-up {theirs / mine:.1f}x**")
    if pages:
        with tempfile.TemporaryDirectory() as tmp:
            long_pdf = build_long_pdf(pages, Path(tmp) / "long.pdf")
            seconds, mb = peak_memory_mb(long_pdf)
            lines.append(f"{pages}-page PDF (corpus pages repeated): {seconds:.1f} s, peak RSS {mb:.0f} MB (whole process)")
    text = "\n".join(lines)
    print(text)
    if "--no-write" not in argv:
        from benchmarks._results import update_results

        head = (
            "## PDF against the library's fast strategy (bench_pdf)\n\n"
            "`tests/local/partition/pdf_corpus/` (16 real PDFs, see its SOURCES.md) against the library's stored output; "
            "times: both partitioners on the same files in the same run (2 shared cores: wall clock is noisy, the "
            "ratio is same-run). Command: `LIBRARY_PYTHONPATH=/work/ref/overlay python -m benchmarks.bench_pdf "
            "--library /work/ref/venv/bin/python --pages 500`.\n\n"
        )
        update_results("pdf", head + text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
