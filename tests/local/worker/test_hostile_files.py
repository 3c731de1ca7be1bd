"""Hostile files fail alone, within bounded time, with a message naming the limit, while another job completes.

The files are made here: 1 MB of repeated ``<script>`` (pathological markup: answered at
once, "no text found"), 1 MB of Markdown image openers (slow to parse though linear: it
meets the per-file time limit), a docx and an xlsx whose parts unzip to 600 MB from a few
hundred KB (zip bombs), and the worker limits (time per file, RLIMIT_AS) are set low enough
for CI.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import httpx
import pytest

from unstructured_nb.local import WorkerLimits, serve
from unstructured_nb.local.worker.archive_check import check_archive
from unstructured_nb.local.worker.process import WorkerProcess

from ..engine_http import run, wait_job, workflow_id
from ..samples import sample

FILE_TIMEOUT = 8.0
MEMORY_MB = 1024


def zip_bomb(path: Path, inner: str, megabytes: int = 600) -> Path:
    chunk = b"<w:t>aaaaaaaaaaaaaaaa</w:t>" * (1024 * 1024 // 26)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(inner, "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def script_flood(path: Path) -> Path:
    path.write_bytes(b"<script>" * (1024 * 1024 // 8))
    return path


def long_report(path: Path, pages: int = 4000) -> Path:
    """A 4000-page text PDF: a few hundred pages a second, so well past FILE_TIMEOUT."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    for page in range(pages):
        for line in range(45):
            pdf.drawString(72, 720 - line * 14, f"Line {line} of page {page}: the committee reviewed the figures again.")
        pdf.showPage()
    pdf.save()
    return path


@pytest.mark.slow  # thorough; the README's command runs it, the fast subset does not
def test_zip_bombs_are_refused_before_opening(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", "word/document.xml")
    assert bomb.stat().st_size < 5 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(Exception, match="decompression bomb") as err:
        check_archive(bomb, "bomb.docx")
    assert time.monotonic() - started < 1.0
    assert "unzip to 6" in str(err.value) and "bomb.docx" in str(err.value)
    check_archive(bomb, "bomb.zip")  # not a document format: left to the partitioner's own rules


def test_the_worker_runs_under_its_address_space_limit() -> None:
    worker = WorkerProcess(memory_mb=300)
    try:
        worker.ensure_started()
        assert worker.pid is not None
        deadline = time.monotonic() + 10
        line = ""
        while time.monotonic() < deadline:
            limits = Path(f"/proc/{worker.pid}/limits").read_text()
            line = next(ln for ln in limits.splitlines() if ln.startswith("Max address space"))
            if str(300 * 1024 * 1024) in line:
                break
            time.sleep(0.05)
        assert str(300 * 1024 * 1024) in line, line
    finally:
        worker.discard()


@pytest.mark.engine
@pytest.mark.slow
def test_hostile_files_fail_alone_and_other_jobs_complete(tmp_path: Path) -> None:
    files = {
        "flood.html": script_flood(tmp_path / "flood.html").read_bytes(),
        "bomb.docx": zip_bomb(tmp_path / "bomb.docx", "word/document.xml").read_bytes(),
        "bomb.xlsx": zip_bomb(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml").read_bytes(),
        "slow.pdf": long_report(tmp_path / "slow.pdf").read_bytes(),
        "fine.txt": sample(".txt"),
    }
    limits = WorkerLimits(file_timeout=FILE_TIMEOUT, memory_mb=MEMORY_MB)
    engine = serve(data_dir=tmp_path / "data", workers=2, worker_limits=limits, max_upload_bytes=64 * 1024**2)
    with engine as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        wf = workflow_id(http)
        started = time.monotonic()
        hostile = run(http, wf, list(files.items())).json()["id"]
        # two more copies of the flood: with 2 workers a stall would block every other job
        more = run(http, wf, [("flood2.html", files["flood.html"]), ("flood3.html", files["flood.html"])]).json()["id"]
        normal = run(http, wf, [("note.txt", sample(".txt"))]).json()["id"]
        assert wait_job(http, normal, timeout=FILE_TIMEOUT * 3 + 30)["status"] == "COMPLETED"
        normal_done = time.monotonic() - started
        job = wait_job(http, hostile, timeout=FILE_TIMEOUT * 4 + 30)
        wait_job(http, more, timeout=FILE_TIMEOUT * 4 + 30)
        elapsed = time.monotonic() - started
        details = http.get(f"/api/v1/jobs/{hostile}/failed-files").json()
        print(details)
    assert normal_done < FILE_TIMEOUT * 3 + 20 and elapsed < FILE_TIMEOUT * 4 + 30
    assert job["status"] in ("COMPLETED", "FAILED")  # ends, with the fine file's output
    text = str(details)
    assert "decompression bomb" in text and "bomb.docx" in text and "bomb.xlsx" in text
    errors = {f["document"]: f["error"] for f in details["failed_files"]}
    assert "no text found" in errors["flood.html"]  # the HTML scanner answers at once: no time limit needed
    slow = errors["slow.pdf"]
    assert f"limit of {FILE_TIMEOUT:g} s" in slow and "--file-timeout" in slow, slow


@pytest.mark.engine
@pytest.mark.slow
def test_a_file_past_the_memory_limit_fails_with_the_limit_and_a_fresh_worker_goes_on(tmp_path: Path) -> None:
    limits = WorkerLimits(file_timeout=120, memory_mb=300)
    engine = serve(data_dir=tmp_path / "data", workers=1, worker_limits=limits, max_upload_bytes=100 * 1024**2)
    with engine as srv, httpx.Client(base_url=srv.url, timeout=60) as http:
        wf = workflow_id(http)
        big = (("word " * 20 + "\n\n") * 250_000).encode()  # 25 MB of paragraphs: far more than 300 MB as elements
        hungry = run(http, wf, [("big.txt", big)]).json()["id"]
        after = run(http, wf, [("note.txt", sample(".txt"))]).json()["id"]
        assert wait_job(http, hungry, timeout=150)["status"] == "FAILED"
        (failed,) = http.get(f"/api/v1/jobs/{hungry}/failed-files").json()["failed_files"]
        assert "more memory than the local engine allows one worker (300 MB)" in failed["error"]
        assert "--worker-memory-mb" in failed["error"]
        assert wait_job(http, after, timeout=60)["status"] == "COMPLETED"
