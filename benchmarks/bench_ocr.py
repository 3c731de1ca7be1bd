"""OCR benchmark: character error rate per condition and speed, ours (PP-OCRv4) vs Tesseract, same pages, same run.

The generated pages (tests/local/ocr/pages.py: known text, several fonts and sizes, one and two
columns, a list) go, per condition (clean 300 dpi, 200 dpi, Gaussian noise, +/-2 degree
rotation, JPEG artefacts), through: our image partitioner (OCR, layout, elements); Debian's
``tesseract`` CLI (text output); and the library's ``ocr_only`` strategy (unstructured 0.27.35's
partition_image: Tesseract through unstructured.pytesseract, in the library's venv). Each gets
the same number of threads (``--threads``; OMP_THREAD_LIMIT for Tesseract). Speed is given as
pages per wall second and CPU seconds per page (this and child processes): on a machine shared
with other work the CPU figure is the steadier one. The engine's settings and its memory on a
200-page scan are measured by benchmarks/bench_ocr_memory.py.

Set-up on a clean machine: ``apt-get install tesseract-ocr poppler-utils``; the library venv
(see benchmarks/library_reference.py) plus unstructured.pytesseract, which the venv lacks::

    /work/ref/venv/bin/pip install --target benchmarks/_work/ref_ocr --no-deps unstructured.pytesseract
    # unstructured_inference (the overlay) imports huggingface_hub, never used by ocr_only; 2.x needs httpx2
    /work/ref/venv/bin/pip install --target benchmarks/_work/ref_ocr --no-deps "huggingface_hub<0.30" pyyaml fsspec
    python -m benchmarks.bench_ocr [--pages N] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._results import update_results  # noqa: E402
from tests.local.ocr.pages import cer, degrade, make_page  # noqa: E402

LIBRARY_PYTHON = Path("/work/ref/venv/bin/python")
LIBRARY_PATH = [Path("/work/ref/overlay"), ROOT / "benchmarks" / "_work" / "ref_ocr"]
CONDITIONS = ["clean 300 dpi", "200 dpi", "noise", "rotate +2", "rotate -2", "jpeg q25"]
_DEGRADE = {"clean 300 dpi": "clean", "200 dpi": "clean", "noise": "noise", "rotate +2": "rotate2", "rotate -2": "rotate-2"}


def pages(count: int, tmp: Path) -> list[tuple[str, str, Path]]:
    """(condition, reference text, image path) for ``count`` pages per condition."""
    out = []
    for condition in CONDITIONS:
        for n in range(count):
            seed = 100 + 10 * CONDITIONS.index(condition) + n
            page = make_page(seed, dpi=200 if condition == "200 dpi" else 300, layout="columns" if n % 2 else "single")
            path = tmp / f"page{seed}.png"
            degrade(page.image, _DEGRADE.get(condition, "jpeg"), seed).save(path)
            out.append((condition, page.text, path))
    return out


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_ours(items: list[tuple[str, str, Path]]) -> list[tuple[str, float, float]]:
    from unstructured_nb.local.partition import PartitionSettings, partition_file

    out = []
    for _, _, path in items:
        wall, cpu = time.perf_counter(), _cpu()
        elements, _ = partition_file(path, filename=path.name, settings=PartitionSettings(strategy="ocr_only"))
        out.append(("\n".join(e["text"] for e in elements), time.perf_counter() - wall, _cpu() - cpu))
    return out


def run_cli(items: list[tuple[str, str, Path]], threads: int) -> list[tuple[str, float, float]]:
    env = dict(os.environ, OMP_THREAD_LIMIT=str(threads))
    out = []
    for _, _, path in items:
        wall, cpu = time.perf_counter(), _cpu()
        done = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "eng"], capture_output=True, text=True, env=env, check=True
        )
        out.append((done.stdout, time.perf_counter() - wall, _cpu() - cpu))
    return out


def run_library(items: list[tuple[str, str, Path]], threads: int) -> list[tuple[str, float, float]] | None:
    if not LIBRARY_PYTHON.exists():
        return None
    env = dict(os.environ, OMP_THREAD_LIMIT=str(threads), PYTHONPATH=os.pathsep.join(map(str, LIBRARY_PATH)))
    done = subprocess.run(
        [str(LIBRARY_PYTHON), "-m", "benchmarks.ocr_reference", *(str(p) for _, _, p in items)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(rows) != len(items):
        print("library ocr_only failed:", done.stderr[-1500:], file=sys.stderr)
        return None
    return [(r["text"], r["wall"], r["cpu"]) for r in rows]


def summarize(
    items: list[tuple[str, str, Path]], results: list[tuple[str, float, float]]
) -> dict[str, tuple[float, float, float]]:
    """Per condition: (CER, pages per wall second, CPU seconds per page)."""
    acc: dict[str, list[float]] = {}
    for (condition, reference, _), (text, wall, cpu) in zip(items, results, strict=True):
        row = acc.setdefault(condition, [0.0, 0.0, 0.0, 0.0, 0.0])
        size = len(" ".join(reference.split()))
        row[0] += cer(reference, text) * size
        row[1] += size
        row[2] += wall
        row[3] += cpu
        row[4] += 1
    return {c: (r[0] / r[1], r[4] / r[2], r[3] / r[4]) for c, r in acc.items()}


def compare(count: int, threads: int) -> None:
    if not shutil.which("tesseract"):
        sys.exit("tesseract is not installed: apt-get install tesseract-ocr poppler-utils")
    os.environ["UNSTRUCTURED_NB_OCR_THREADS"] = str(threads)
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        items = pages(count, Path(tmp))
        run_ours(items[:1])  # model load, once per worker in the engine
        ours, cli = run_ours(items), run_cli(items, threads)
        os.environ["UNSTRUCTURED_NB_OCR_ENGINE"] = "tesseract"
        try:
            tsv = run_ours(items)
        finally:
            del os.environ["UNSTRUCTURED_NB_OCR_ENGINE"]
        library = run_library(items, threads)
    engines = {
        "ours": summarize(items, ours),
        "Tesseract CLI": summarize(items, cli),
        "Tesseract + our layout": summarize(items, tsv),
    }
    if library is not None:
        engines["library ocr_only"] = summarize(items, library)
    base = "library ocr_only" if library is not None else "Tesseract CLI"
    names = list(engines)
    lines = [
        "## OCR: character error rate and speed, ours (PP-OCRv4 on onnxruntime) vs Tesseract",
        "",
        f"{count} generated letter pages per condition (known text: title, paragraphs in one or two columns, a list; DejaVu "
        f"fonts, 9-11 pt), the same pages through every engine in one run, {threads} thread(s) each. Ours: the local "
        "engine's image partitioner (OCR + layout + elements). Tesseract + our layout: the same partitioner with "
        "`UNSTRUCTURED_NB_OCR_ENGINE=tesseract` (Tesseract's TSV word boxes into our line grouping, layout and types). "
        "Tesseract CLI: "
        f'`{version}`, eng, text output. Library ocr_only: unstructured 0.27.35 `partition_image(strategy="ocr_only")` '
        "(Tesseract through unstructured.pytesseract, its layout and classification). CER = edit distance / reference "
        "characters, whitespace normalized, reading order included. Speed: pages per wall second, and CPU seconds per page "
        f"(process + children); ratio = ours / {base} in pages per CPU second (> 1: ours faster).",
        "",
        "| condition | "
        + " | ".join(f"CER {n}" for n in names)
        + " | "
        + " | ".join(f"pages/s {n}" for n in names)
        + " | "
        + " | ".join(f"CPU s/page {n}" for n in names)
        + " | speed ratio |",
        "|---" * (3 * len(names) + 2) + "|",
    ]
    for condition in CONDITIONS:
        rows = [engines[n][condition] for n in names]
        ratio = engines[base][condition][2] / engines["ours"][condition][2]
        lines.append(
            f"| {condition} | "
            + " | ".join(f"{r[0]:.2%}" for r in rows)
            + " | "
            + " | ".join(f"{r[1]:.2f}" for r in rows)
            + " | "
            + " | ".join(f"{r[2]:.2f}" for r in rows)
            + f" | {ratio:.2f}x |"
        )
    lines += [
        "",
        "Before this engine (RapidOCR 1.4.4's own pipeline, run of 2026-12-02 13:51, same pages): ours 0.17-0.41 pages/s "
        "against the Tesseract CLI's 1.2-1.7 on one thread, i.e. 4-8x slower; CER the same as now. The time went to "
        "RapidOCR's detector reading a letter page at 2000 px whatever `det_limit_side_len` said (its `limit_type` max path "
        "ignores the setting), float64 preprocessing, and recognition batches padded to their widest line. The engine now "
        "runs the same two models itself (unstructured_nb/local/ocr/models.py; settings table in the ocr-settings section). "
        "Tesseract's error here is mostly reading order and bullets, not misread characters: on the two-column pages its "
        "default segmentation reads the list between the columns, and it turns the bullet into a cent sign; the library's "
        "ocr_only gives the same text (it joins Tesseract's page text into elements) and more CPU (layout, classification).",
        "",
        "Issue 12's speed work (run of 2026-12-03 11:32, same pages, before it): ours 1.05-1.16 CPU s/page against the "
        "library's 0.82-2.10, ratio 0.76x on 200 dpi and 0.85-0.96x on clean, rotated and JPEG pages. Two changes, the "
        "same CER: the models run with their scalar affine steps and hard-swish folded into the convolutions "
        "(unstructured_nb/local/ocr/graph.py, exact algebra checked against the shipped graphs; element-wise operators and "
        "layout reorders had been two thirds of the recognizer's time: recognition 2.1x, detection 1.6x faster), and the "
        "detector reads only the page's inked part at the whole page's scale (models.content_box; these pages' text fills "
        "about half of the page). Recognition is now three quarters of the time and convolution-bound; batching lines of "
        "similar width measured slower (1.16x the CPU), so lines are still read one at a time. At 2 threads (section "
        "ocr-2t) Tesseract's OpenMP threads spin-wait when the machine is loaded, so its CPU per page there swings "
        "several-fold between runs; the 1-thread CPU figures are the steady comparison.",
        "",
        "Goals (issue 12): CER <= 2% clean, <= 5% degraded, no worse than Tesseract, at least as fast per page on 2 CPUs. "
        f"Load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs shared with "
        "other processes (so the wall figures move with the load; the CPU figures much less).",
    ]
    update_results(f"ocr-{threads}t" if threads != 1 else "ocr", "\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per condition (alternating one and two columns)")
    parser.add_argument("--threads", type=int, default=1, help="threads for each engine")
    args = parser.parse_args()
    compare(args.pages, args.threads)


if __name__ == "__main__":
    main()
