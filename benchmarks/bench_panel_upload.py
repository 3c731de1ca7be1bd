"""Benchmark of the panel's browser uploads on the kernel's side: memory per file size, chunked vs whole.

Run from the repo root: ``.venv/bin/python -m benchmarks.bench_panel_upload``. Prints the
figures and writes them to benchmarks/RESULTS.md (section "panel_upload").

Each measurement runs in a fresh interpreter, which warms up with a tiny upload and then
receives one file of ``SIZE_MB`` the way the kernel does:

- chunked: ``ChunkedUpload.receive`` with 1 MiB messages, as the upload button sends them;
- whole (the baseline): the file as one message, as ``ipywidgets.FileUpload`` delivers it
  (which Jupyter drops above 10 MiB: this is the memory it would take if it did not).

Memory: peak RSS during the upload minus RSS just before it (goal: chunked under 10 % of
the file's size, and flat as the size grows). The browser test measures the same in a
real kernel (test-artifacts/upload-figures.txt).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ._results import update_results

SIZES_MB = [int(x) for x in os.environ.get("BENCH_PANEL_UPLOAD_MB", "40,200").split(",")]

CHILD = r"""
import json, os, resource, sys, time
from unstructured_nb.notebook.upload import ChunkedUpload

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

path, mode = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
widget = ChunkedUpload(max_bytes=10**12)
widget.receive({"kind": "begin", "id": "warm", "name": "warm.txt", "size": 3})
widget.receive({"kind": "chunk", "id": "warm", "offset": 0}, [memoryview(b"abc")])
before = rss_kb()
started = time.perf_counter()
widget.receive({"kind": "begin", "id": "big", "name": "big.bin", "size": size})
with open(path, "rb") as f:
    if mode == "whole":
        data = f.read()
        widget.receive({"kind": "chunk", "id": "big", "offset": 0}, [memoryview(data)])
        del data
    else:
        offset = 0
        while chunk := f.read(1024 * 1024):
            widget.receive({"kind": "chunk", "id": "big", "offset": offset}, [memoryview(chunk)])
            offset += len(chunk)
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert widget.uploads[-1].status == "done", widget.uploads[-1]
widget.close()
print(json.dumps({"growth_mb": max(0, peak - before) / 1000, "seconds": took}))
"""


def measure(path: Path, mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES_MB:
            path = Path(tmp) / f"file-{size}.bin"
            with path.open("wb") as f:
                block = os.urandom(1024 * 1024)
                for _ in range(size):
                    f.write(block)
            chunked, whole = measure(path, "chunked"), measure(path, "whole")
            rows.append((size, chunked, whole))
            path.unlink()
    lines = [
        "## Panel uploads on the kernel's side (peak memory growth while one file arrives)",
        "",
        "| file | chunked (upload button) | whole file in one message (FileUpload) | chunked / whole | chunked / file size | MB/s chunked |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for size, chunked, whole in rows:
        mib = size * 1.048576
        ratio = chunked["growth_mb"] / whole["growth_mb"] if whole["growth_mb"] else 0.0
        lines.append(
            f"| {mib:.0f} MB | +{chunked['growth_mb']:.1f} MB | +{whole['growth_mb']:.1f} MB | {ratio:.2f}x | "
            f"{chunked['growth_mb'] / mib:.3f} | {mib / chunked['seconds']:.0f} |"
        )
    text = "\n".join(lines)
    print(text)
    update_results("panel_upload", text)


if __name__ == "__main__":
    main()
