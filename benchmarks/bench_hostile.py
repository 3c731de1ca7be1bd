"""Hostile files against the local engine: time to fail and the worker's peak memory, next to a normal file in the same run.

Each file is a job of its own on an engine with one worker (so the file has the worker to
itself), with the engine's default limits except the time limit (``--file-timeout``),
lowered so the run stays short. The worker's peak resident memory (VmHWM) is sampled from
/proc while the file runs. Run: ``python -m benchmarks.bench_hostile``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests.local.worker.test_hostile_files import zip_bomb  # the same bombs the tests use
from unstructured_nb.local import WorkerLimits, serve
from unstructured_nb.local.limits import DEFAULT_WORKER_MEMORY_MB

from ._results import update_results

FILE_TIMEOUT = 20.0


def _files(folder: Path) -> list[tuple[str, Path]]:
    normal = folder / "normal.html"
    normal.write_text(
        "<html><body>" + "<h2>Section</h2><p>A paragraph of ordinary prose, long enough.</p>" * 2000 + "</body></html>"
    )
    markup = {
        "1 MB of repeated <script>": ("flood.html", b"<script>" * (1024 * 1024 // 8)),
        "unclosed <script (1 MB)": ("unclosed.html", b"<p>Before.</p><script" + b" a" * (512 * 1024)),
        "100k nested <div>": ("nested.html", b"<div>" * 100_000 + b"<p>Deep.</p>" + b"</div>" * 100_000),
        "1 MB attribute": ("attribute.html", b'<p title="' + b"x" * (1024 * 1024) + b'">After.</p>'),
        "1 MB of <": ("storm.html", b"<p>First.</p>" + b"<" * (1024 * 1024)),
    }
    hostile = []
    for label, (name, content) in markup.items():
        (folder / name).write_bytes(content)
        hostile.append((label, folder / name))
    return [
        ("normal HTML", normal),
        *hostile,
        ("docx bomb (1 GB unzipped)", zip_bomb(folder / "bomb.docx", "word/document.xml", 1024)),
        ("pptx bomb (1 GB unzipped)", zip_bomb(folder / "bomb.pptx", "ppt/slides/slide1.xml", 1024)),
        ("xlsx holding a 1 GB sheet", zip_bomb(folder / "bomb.xlsx", "xl/worksheets/sheet1.xml", 1024)),
    ]


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _measure(srv, http: httpx.Client, wf: str, path: Path) -> tuple[float, int, str, str]:
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            for pid in srv.engine.jobs.pool.worker_pids():
                if pid:
                    peak = max(peak, _peak_kb(pid))
            time.sleep(0.02)

    for pid in srv.engine.jobs.pool.worker_pids():
        if pid:  # the worker is reused: reset its peak (VmHWM) so this file's own peak is read
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    job = http.post(f"/api/v1/workflows/{wf}/run", files={"input_files": (path.name, path.read_bytes())}).json()["id"]
    while True:
        status = http.get(f"/api/v1/jobs/{job}").json()["status"]
        if status in ("COMPLETED", "FAILED", "STOPPED"):
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    stop.set()
    sampler.join()
    failed = http.get(f"/api/v1/jobs/{job}/failed-files").json()["failed_files"]
    why = ""
    if failed:
        error = failed[0]["error"]
        error = error[len(path.name) + 1 :].strip() if error.startswith(path.name + ":") else error
        why = error.split(";")[0].split(":")[0].split(",")[0][:70]
    return elapsed, peak, status, why


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = _files(folder)
        limits = WorkerLimits(file_timeout=FILE_TIMEOUT, memory_mb=DEFAULT_WORKER_MEMORY_MB)
        with (
            serve(data_dir=folder / "data", workers=1, worker_limits=limits) as srv,
            httpx.Client(base_url=srv.url, timeout=120) as http,
        ):
            wf = next(w["id"] for w in http.get("/api/v1/workflows/").json() if w["name"] == "partition")
            rows = [(label, path.stat().st_size, *_measure(srv, http, wf, path)) for label, path in files]
    base_time, base_peak = rows[0][2], rows[0][3]
    md = [
        "## Hostile files (`benchmarks/bench_hostile.py`)",
        "",
        f"One worker, default memory limit ({DEFAULT_WORKER_MEMORY_MB} MB address space), time limit lowered to {FILE_TIMEOUT:g} s "
        "(default 300 s); each file a job of its own; peak = the worker's VmHWM.",
        "",
        "| file | size | ends | after | time vs normal | worker peak | peak vs normal | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, size, elapsed, peak, status, why in rows:
        md.append(
            f"| {label} | {size / 1024:,.0f} KB | {status} | {elapsed:.2f} s | {elapsed / base_time:.1f}x | "
            f"{peak / 1024:.0f} MB | {peak / max(1, base_peak):.1f}x | {why.replace('|', '/')} |"
        )
    worst = max(rows[1:], key=lambda r: r[2])
    heaviest = max(rows[1:], key=lambda r: r[3])
    md += [
        "",
        f"Worst hostile file by time: {worst[0]}, {worst[2]:.2f} s ({worst[4]}); by memory: {heaviest[0]}, "
        f"{heaviest[3] / 1024:.0f} MB worker peak.",
    ]
    text = "\n".join(md)
    print(text)
    update_results("hostile", text)


if __name__ == "__main__":
    main()
