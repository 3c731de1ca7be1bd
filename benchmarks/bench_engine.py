"""Local engine latency and throughput, measured the way a notebook sees them.

- Latency: from the run request to a COMPLETED job for a one-page text file, measured by
  a client that polls ``get_job`` tightly (median and p90 over N runs; goal < 50 ms). The
  baseline is the same file partitioned in-process (no HTTP, no queue, no worker hop), so
  the ratio shows what the engine's machinery costs on top of the partitioner itself.
- Throughput: jobs/s sustained with 2 workers (1-file jobs submitted at once from 8 client
  threads until all are COMPLETED), against 1 worker in the same run.

The engine runs as its own process (``python -m unstructured_nb.local serve``), as the
shared engine does for notebooks, so the client's polling does not share its GIL.

    .venv/bin/python -m benchmarks.bench_engine [--runs 50] [--jobs 200]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]

# about one page: ~3,000 characters in 10 paragraphs
PAGE = "\n\n".join(
    f"Section {i}. " + "The quarterly figures show steady growth across every region, and the board approved the budget. " * 3
    for i in range(10)
).encode()

HEAVY = PAGE * 100  # ~300 KB: partitioning, not the server, dominates


class EngineProcess:
    def __init__(self, data_dir: Path, workers: int) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "unstructured_nb.local",
                "serve",
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
                "--workers",
                str(workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                state = json.loads((data_dir / "engine.json").read_text())
                if state["pid"] == self.proc.pid and httpx.get(state["url"] + "/healthz").status_code == 200:
                    self.url = state["url"]
                    break
            except (OSError, ValueError, KeyError, httpx.HTTPError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the engine did not start")
            time.sleep(0.05)
        self.client = httpx.Client(base_url=self.url, timeout=60, limits=httpx.Limits(max_connections=16))
        wfs = self.client.get("/api/v1/workflows/").json()
        self.workflow = next(w["id"] for w in wfs if w["name"] == "partition")
        # let the workers finish importing before measuring
        self.run_and_wait()

    def run(self, content: bytes = PAGE) -> str:
        r = self.client.post(f"/api/v1/workflows/{self.workflow}/run", files=[("input_files", ("page.txt", content))])
        r.raise_for_status()
        return r.json()["id"]

    def run_and_wait(self) -> float:
        t0 = time.perf_counter()
        job_id = self.run()
        while True:
            status = self.client.get(f"/api/v1/jobs/{job_id}").json()["status"]
            if status == "COMPLETED":
                return time.perf_counter() - t0
            if status in ("FAILED", "STOPPED"):
                raise SystemExit(f"job {job_id} ended {status}")

    def throughput(self, n_jobs: int, content: bytes = PAGE) -> float:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            pending = list(pool.map(lambda _: self.run(content), range(n_jobs)))
        # wait on the oldest unfinished job only: cheap for the server, so we measure the jobs, not the polling
        while pending:
            status = self.client.get(f"/api/v1/jobs/{pending[0]}").json()["status"]
            if status == "COMPLETED":
                pending.pop(0)
            elif status in ("FAILED", "STOPPED"):
                raise SystemExit(f"job {pending[0]} ended {status}")
            else:
                time.sleep(0.005)
        return n_jobs / (time.perf_counter() - t0)

    def close(self) -> None:
        self.client.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def in_process_partition_seconds(runs: int) -> float:
    """The baseline: the partition node alone on the same file, in this process."""
    from unstructured_nb.local.nodes import run_node, validate_workflow_nodes

    node = validate_workflow_nodes(
        [{"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}]
    )[0]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "page.txt"
        path.write_bytes(PAGE)
        run_node(node, path, filename="page.txt")  # warm-up (imports)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            out = run_node(node, path, filename="page.txt")
            json.dumps(out.elements)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="latency runs (default 50)")
    parser.add_argument("--jobs", type=int, default=200, help="jobs per throughput measurement (default 200)")
    args = parser.parse_args(argv)

    baseline = in_process_partition_seconds(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        two = EngineProcess(Path(tmp) / "two", workers=2)
        try:
            latencies = [two.run_and_wait() for _ in range(args.runs)]
            tput2 = two.throughput(args.jobs)
            heavy2 = two.throughput(max(10, args.jobs // 5), HEAVY)
        finally:
            two.close()
        one = EngineProcess(Path(tmp) / "one", workers=1)
        try:
            tput1 = one.throughput(args.jobs)
            heavy1 = one.throughput(max(10, args.jobs // 5), HEAVY)
        finally:
            one.close()

    med = statistics.median(latencies)
    p90 = statistics.quantiles(latencies, n=10)[-1]
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    md = "\n".join(
        [
            "## Local engine: latency and throughput",
            "",
            f"One-page text file ({len(PAGE):,} bytes), `partition` workflow, engine as its own process, client polling `get_job` tightly; {os.cpu_count()} CPUs.",
            "",
            "| measure | value | baseline (same run) | ratio |",
            "|---|---|---|---|",
            f"| run -> COMPLETED, median of {args.runs} | {ms(med)} (p90 {ms(p90)}) | partition node alone, in-process: {ms(baseline)} | {med / baseline:.1f}x the partitioner's own time |",
            f"| goal: median < 50 ms | {'met' if med < 0.05 else 'NOT met'} | | {0.05 / med:.1f}x under the goal |",
            f"| jobs/s, 2 workers ({args.jobs} one-page jobs) | {tput2:.1f} jobs/s | 1 worker: {tput1:.1f} jobs/s | {tput2 / tput1:.2f}x |",
            f"| jobs/s, 2 workers ({max(10, args.jobs // 5)} jobs of a {len(HEAVY) // 1024} KB text) | {heavy2:.1f} jobs/s | 1 worker: {heavy1:.1f} jobs/s | {heavy2 / heavy1:.2f}x |",
            "",
            f"The client, the engine's server process (HTTP, upload to disk, SQLite: a few ms per job) and its workers share "
            f"{os.cpu_count()} CPUs, so a second worker adds at most what the others leave free. Load average at the end: "
            f"{os.getloadavg()[0]:.1f} (other processes on the machine skew the figures).",
        ]
    )
    print(md)
    sys.path.insert(0, str(REPO))
    from benchmarks._results import update_results

    update_results("engine", md)


if __name__ == "__main__":
    main()
