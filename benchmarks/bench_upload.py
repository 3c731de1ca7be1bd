"""Benchmark of uploads: memory and throughput of ``Client.run_workflow`` with a 500 MiB file.

Run from the repo root: ``.venv/bin/python -m benchmarks.bench_upload``. Prints the figures
and writes them to benchmarks/RESULTS.md (section "upload").

A loopback server (a raw socket loop in this process) reads each upload to nowhere and
answers 202 with a job. Each uploader runs in its own fresh interpreter, which warms up
with a tiny upload, resets its peak-RSS counter, then uploads the big file:

- ``Client.run_workflow(wf, files=[path])`` and ``AsyncClient.run_workflow`` (ours);
- the documented SDK pattern: ``unstructured_client`` with ``{"content": f.read()}``;
- ``curl -F input_files=@file`` (throughput baseline).

Memory: peak RSS during the upload minus RSS just before it (goal: < 50 MB).
Throughput: ours vs curl in the same run (goal: >= 0.8x). Medians of ``REPEATS`` runs.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from ._results import update_results

REPO = Path(__file__).resolve().parents[1]
SIZE_MB = int(os.environ.get("BENCH_UPLOAD_MB", "500"))
REPEATS = int(os.environ.get("BENCH_UPLOAD_REPEATS", "3"))
WORKFLOW_ID = "0b6b2b3c-0000-4000-8000-000000000000"
JOB = {
    "id": "11111111-2222-4333-8444-555555555555",
    "workflow_id": WORKFLOW_ID,
    "workflow_name": "bench",
    "status": "SCHEDULED",
    "created_at": "2026-01-01T00:00:00Z",
    "job_type": "persistent",
}


# --- the sink server --------------------------------------------------------------------


class SinkServer:
    """Reads any HTTP/1.1 request body into a reused buffer and answers 202 with JOB."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.received: list[int] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def start(self) -> SinkServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        try:
            socket.create_connection(self.sock.getsockname(), timeout=1).close()
        except OSError:
            pass
        self._thread.join(timeout=5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop:
            conn, _ = self.sock.accept()
            if self._stop:
                conn.close()
                break
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        buf = bytearray(4 * 1024 * 1024)
        view = memoryview(buf)
        pending = b""
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:  # one request per iteration (keep-alive)
                while b"\r\n\r\n" not in pending:
                    data = conn.recv(65536)
                    if not data:
                        return
                    pending += data
                head, _, pending = pending.partition(b"\r\n\r\n")
                headers = {}
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                if headers.get(b"expect", b"").lower() == b"100-continue":
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                    total, pending = self._read_chunked(conn, pending)
                else:
                    length = int(headers.get(b"content-length", b"0"))
                    total = min(length, len(pending))
                    pending = pending[total:]
                    while total < length:
                        n = conn.recv_into(view, min(len(buf), length - total))
                        if n == 0:
                            return
                        total += n
                self.received.append(total)
                body = json.dumps(JOB).encode()
                conn.sendall(
                    b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    @staticmethod
    def _read_chunked(conn: socket.socket, pending: bytes) -> tuple[int, bytes]:
        total = 0
        while True:
            while b"\r\n" not in pending:
                pending += conn.recv(65536)
            line, _, pending = pending.partition(b"\r\n")
            size = int(line.split(b";")[0], 16)
            while len(pending) < size + 2:
                pending += conn.recv(4 * 1024 * 1024)
            total += size
            pending = pending[size + 2 :]
            if size == 0:
                return total, pending


# --- the uploaders, each in a fresh interpreter -------------------------------------------

_MEASURE = r"""
import json, os, sys, time
def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current RSS
        f.write("5")
url, wf, path, small = sys.argv[1:5]
{setup}
upload(small)  # warm-up: imports, connection pool, first-call code paths
reset_peak()
base = rss_kb("VmRSS")
t0 = time.perf_counter()
job_id = upload(path)
seconds = time.perf_counter() - t0
peak = rss_kb("VmHWM")
print(json.dumps({{"seconds": seconds, "base_kb": base, "peak_kb": peak, "job_id": job_id}}))
"""

SETUPS = {
    "Client.run_workflow (ours)": """
from unstructured_nb import Client
client = Client(url)
def upload(p):
    return client.run_workflow(wf, files=[p]).id
""",
    "AsyncClient.run_workflow (ours)": """
import asyncio
from unstructured_nb import AsyncClient
client = AsyncClient(url)
loop = asyncio.new_event_loop()
def upload(p):
    return loop.run_until_complete(client.run_workflow(wf, files=[p])).id
""",
    "unstructured_client SDK, f.read() (documented pattern)": """
from unstructured_client import UnstructuredClient
sdk = UnstructuredClient(server_url=url, api_key_auth="bench")
def upload(p):
    with open(p, "rb") as f:
        res = sdk.workflows.run_workflow(request={"workflow_id": wf, "body_run_workflow": {
            "input_files": [{"content": f.read(), "file_name": os.path.basename(p)}]}})
    return res.job_information.id
""",
}


def measure_python(label: str, url: str, path: Path, small: Path) -> dict[str, float]:
    code = _MEASURE.format(setup=SETUPS[label])
    out = subprocess.run(
        [sys.executable, "-c", code, url, WORKFLOW_ID, str(path), str(small)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["job_id"] == JOB["id"], result
    return {"seconds": result["seconds"], "mem_mb": (result["peak_kb"] - result["base_kb"]) / 1024}


def measure_curl(url: str, path: Path) -> float:
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{time_total} %{http_code}",
            "-F",
            f"input_files=@{path}",
            f"{url}/api/v1/workflows/{WORKFLOW_ID}/run",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    seconds, code = out.stdout.split()
    assert code == "202", out.stdout
    return float(seconds)


def make_file(directory: Path) -> Path:
    path = directory / "big.pdf"
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as fh:
        for _ in range(SIZE_MB):
            fh.write(block)
    return path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        path = make_file(Path(tmp))
        small = Path(tmp) / "small.txt"
        small.write_bytes(b"warm-up\n")
        size = path.stat().st_size
        server = SinkServer().start()
        try:
            curl_times: list[float] = []
            results: dict[str, list[dict[str, float]]] = {label: [] for label in SETUPS}
            # interleave the contenders so a noisy moment hurts none in particular
            for _ in range(REPEATS):
                curl_times.append(measure_curl(server.url, path))
                for label in SETUPS:
                    results[label].append(measure_python(label, server.url, path, small))
            assert all(n >= size for n in server.received if n > 1000), server.received
        finally:
            server.stop()

    mb = size / 2**20
    curl_s = statistics.median(curl_times)
    curl_rate = mb / curl_s
    rows = []
    print(f"upload of {mb:.0f} MiB to a loopback server, medians of {REPEATS} runs")
    print(f"  curl -F: {curl_s:.2f} s, {curl_rate:.0f} MiB/s")
    for label, runs in results.items():
        secs = statistics.median(r["seconds"] for r in runs)
        mem = statistics.median(r["mem_mb"] for r in runs)
        rate = mb / secs
        ratio = rate / curl_rate
        print(f"  {label}: {secs:.2f} s, {rate:.0f} MiB/s ({ratio:.2f}x curl), peak RSS +{mem:.1f} MiB")
        rows.append((label, secs, rate, ratio, mem))

    ours = rows[0]
    sdk = rows[-1]
    mem_goal = "met" if ours[4] < 50 else "NOT met"
    speed_goal = "met" if ours[3] >= 0.8 else "NOT met"
    md = [
        "## Upload: memory and throughput (`benchmarks/bench_upload.py`)",
        "",
        f"One {mb:.0f} MiB file uploaded with `run_workflow` to a loopback server that reads it to nowhere; each uploader "
        f"in a fresh interpreter, warmed up, peak RSS reset before the upload; medians of {REPEATS} runs; 2 CPUs.",
        "",
        "| uploader | time | throughput | vs `curl -F` (same run) | peak RSS above baseline |",
        "|---|---|---|---|---|",
        f"| `curl -F input_files=@file` (baseline) | {curl_s:.2f} s | {curl_rate:.0f} MiB/s | 1.00x | n/a |",
    ]
    for label, secs, rate, ratio, mem in rows:
        md.append(f"| {label} | {secs:.2f} s | {rate:.0f} MiB/s | {ratio:.2f}x | {mem:.1f} MiB |")
    md += [
        "",
        f"Goals: peak memory < 50 MiB: {mem_goal} ({ours[4]:.1f} MiB, {sdk[4] / max(ours[4], 0.1):.0f}x less than the "
        f"SDK pattern's {sdk[4]:.0f} MiB); throughput >= 0.8x curl: {speed_goal} ({ours[3]:.2f}x).",
    ]
    update_results("upload", "\n".join(md))
    print(f"memory goal (< 50 MiB): {mem_goal}; throughput goal (>= 0.8x curl): {speed_goal}")


if __name__ == "__main__":
    main()
