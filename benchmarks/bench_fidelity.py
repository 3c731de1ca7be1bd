"""Fidelity and speed on the real corpus, against the open-source library measured in the same run.

Part of ``python -m benchmarks.bench_partition`` (or run alone: ``python -m benchmarks.bench_fidelity
[--library-python PATH] [--repeat N]``). Per type of the corpus in ``tests/local/partition/corpus``:
element-type sequence match and word coverage against the library's stored output (see
``benchmarks/fidelity.py``), and the speed-up of our partitioner alone, in-process, over the
library's ``partition(strategy="fast")`` alone, in-process in its own interpreter (one process for
the whole corpus, each file warm: best of two calls after a first one), each file timed by the
library right after ours so that load on a shared machine hits both alike. Speed-up per type is the
library's total seconds over ours on that type's files; the summary is their geometric mean.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
_LIB_TIMER = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, sys.argv[1])
from library_reference import DEFAULT_MODEL, use_model
if DEFAULT_MODEL.exists():
    use_model(DEFAULT_MODEL)
from unstructured.partition.auto import partition
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        partition(filename=path, strategy="fast")
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            partition(filename=path, strategy="fast")
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"path": path, "seconds": best}), flush=True)
    except Exception as exc:
        print(json.dumps({"path": path, "error": f"{type(exc).__name__}: {exc}"[:200]}), flush=True)
"""


def library_python() -> Path | None:
    """An interpreter with unstructured 0.27.35: $UNSTRUCTURED_LIBRARY_PYTHON, /work/ref/venv, or the bench's own venv."""
    for candidate in (
        os.environ.get("UNSTRUCTURED_LIBRARY_PYTHON"),
        "/work/ref/venv/bin/python",
        str(ROOT / "_work" / "unstructured-venv" / "bin" / "python"),
    ):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


class LibraryTimer:
    """The library in its own interpreter, kept running: ``seconds(path)`` times one file there
    (warm: best of two calls after a first one), so that each file can be timed right after ours
    and both see the same load on a shared machine."""

    def __init__(self, python: Path, timeout: float = 600) -> None:
        env = {**os.environ, "DO_NOT_TRACK": "1", "HF_HUB_OFFLINE": "1", "UNSTRUCTURED_DISABLE_NOTICE": "1", "PYTHONPATH": ""}
        self.timeout = timeout
        self.process = subprocess.Popen(
            [str(python), "-c", _LIB_TIMER, str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self._read()  # the library imported, its model loaded

    def _read(self) -> dict[str, Any]:
        import select

        assert self.process.stdout is not None
        while True:
            ready, _, _ = select.select([self.process.stdout], [], [], self.timeout)
            if not ready:
                self.close()
                raise TimeoutError(f"the library did not answer within {self.timeout:g} s")
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the library's process ended")
            if line.startswith("{"):
                record: dict[str, Any] = json.loads(line)
                return record

    def time(self, path: Path) -> dict[str, Any]:
        """``{"seconds": ...}`` or ``{"error": ...}`` for one file."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(f"{path}\n")
            self.process.stdin.flush()
            return self._read()
        except (TimeoutError, RuntimeError, BrokenPipeError) as exc:
            return {"error": str(exc)}

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def time_library(python: Path, paths: list[Path], timeout: float = 1800) -> dict[str, dict[str, Any]]:
    """The library's seconds for each of ``paths``, by path."""
    timer = LibraryTimer(python, timeout=timeout)
    try:
        return {str(p): timer.time(p) for p in paths}
    finally:
        timer.close()


def time_ours(path: Path, repeat: int) -> float:
    from benchmarks.fidelity import partition_ours

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        partition_ours(path)
        best = min(best, time.perf_counter() - t0)
    return best


def run(repeat: int = 3, python: Path | None = None) -> str:
    """Measure, and return the markdown section."""
    from benchmarks.fidelity import documents, score_corpus

    scores = score_corpus()
    docs = documents()
    python = python or library_python()
    # each file timed by us, then at once by the library: load on the machine hits both alike
    timer = LibraryTimer(python) if python else None
    ours: dict[str, float] = {}
    lib: dict[str, dict[str, Any]] = {}
    try:
        for _, p in docs:
            ours[str(p)] = time_ours(p, repeat)
            if timer is not None:
                lib[str(p)] = timer.time(p)
    finally:
        if timer is not None:
            timer.close()
    rows = [
        "| type | documents | type match | word coverage | languages | ours (s) | library (s) | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ratios = []
    for kind in sorted(scores):
        paths = [str(p) for k, p in docs if k == kind]
        timed = [p for p in paths if "seconds" in lib.get(p, {})]
        our_s = sum(ours[p] for p in timed)
        lib_s = sum(lib[p]["seconds"] for p in timed)
        ratio = lib_s / our_s if timed and our_s > 0 else None
        if ratio:
            ratios.append(ratio)
        s = scores[kind]
        lang = f"{s.languages:.2f}" if s.languages is not None else ""
        shown = f"**{ratio:.1f}x**" if ratio else "not measured"
        rows.append(
            f"| {kind} | {len(paths)} | {s.type_match:.2f} | {s.coverage:.3f} | {lang} | {our_s:.3f} | {lib_s:.3f} | {shown} |"
        )
    summary = (
        f"Speed-up, geometric mean over {len(ratios)} types: **{statistics.geometric_mean(ratios):.1f}x** (goal 20x)."
        if ratios
        else "The library was not found (set UNSTRUCTURED_LIBRARY_PYTHON): speed-up not measured."
    )
    matches = [scores[k].type_match for k in scores]
    return "\n".join(
        [
            "## Fidelity on the real corpus (local engine vs open-source `unstructured` 0.27.35, fast strategy)",
            "",
            f"Corpus: {len(docs)} real documents of {len(scores)} types from PyPI sdists "
            "(`tests/local/partition/corpus/SOURCES.md`); type match is difflib's ratio over element-type "
            "sequences, word coverage the share of the library's words we find, languages the share of aligned "
            f"elements with the same `languages`. Timing: partitioner alone, in-process, best of {repeat} (ours) and "
            f"best of two warm calls (library, {python or 'not found'}), same machine, same run, each file by the library right after ours. Mean type match "
            f"over types: {sum(matches) / len(matches):.2f}.",
            "",
            *rows,
            "",
            summary,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--library-python", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT.parent))
    md = run(args.repeat, args.library_python)
    print(md)
    from benchmarks._results import update_results

    update_results("fidelity", md)


if __name__ == "__main__":
    main()
