"""``unstructured-nb run``: against a real local engine in a subprocess, and its in-place redraw."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb import terminal
from unstructured_nb.terminal import run_command

DATA = Path(__file__).resolve().parents[1] / "notebooks" / "data"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from unstructured_nb.local import serve

    server = serve(data_dir=tmp_path_factory.mktemp("terminal-engine"), workers=1)
    try:
        yield server.url
    finally:
        server.stop()


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unstructured_nb", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.engine
def test_run_writes_outputs_and_prints_the_final_table(engine: str, tmp_path: Path):
    out = tmp_path / "out"
    proc = cli("run", "partition", str(DATA / "field-notes.md"), str(DATA / "*.txt"), "--out", str(out), "--api-url", engine)
    assert proc.returncode == 0, proc.stderr
    assert "COMPLETED" in proc.stdout and "\x1b[" not in proc.stdout  # not a tty: no redraw codes
    assert sorted(p.name for p in out.iterdir()) == ["field-notes.md.json", "meeting-minutes.txt.json"]
    elements = json.loads((out / "field-notes.md.json").read_text())
    assert elements[0]["type"] == "Title" and elements[0]["text"] == "Field Notes: Coastal Survey"


@pytest.mark.engine
def test_missing_path_is_one_paragraph_and_exit_2(engine: str, tmp_path: Path):
    proc = cli("run", "partition", str(tmp_path / "nope.pdf"), "--api-url", engine)
    assert proc.returncode == 2
    assert "nope.pdf (not found)" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.engine
def test_unknown_workflow_exit_2(engine: str):
    proc = cli("run", "partiton", str(DATA / "field-notes.md"), "--api-url", engine)
    assert proc.returncode == 2 and "Did you mean 'partition'" in proc.stderr and "Traceback" not in proc.stderr


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tty_redraws_one_table_in_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    fake = FakeAPI(progress=["SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "FAILED"])
    fake.add_workflow("partition")
    client = fake.client()
    monkeypatch.setattr(terminal, "shared_client", lambda *a, **k: client)
    out = TtyBuffer()
    args = argparse.Namespace(
        workflow="partition", paths=[str(DATA / "field-notes.md")], out=None, attach=None, api_url=None, poll=0.2, timeout=30
    )
    code = run_command(args, out=out)
    text = out.getvalue()
    assert code == 1  # the job FAILED
    redraws = text.count("\x1b[J")
    assert redraws >= 1 and redraws == text.count("job_id") - 1  # each new table replaces the previous one
    last = text.split("\x1b[J")[-1]
    assert "FAILED" in last and last.count("job_id") == 1


def test_on_demand_run_and_templates_in_the_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from unstructured_nb.cli import build_parser

    fake = FakeAPI(progress=["IN_PROGRESS", "COMPLETED"])
    client = fake.client()
    monkeypatch.setattr(terminal, "shared_client", lambda *a, **k: client)
    out = io.StringIO()
    args = build_parser().parse_args(["run", "--strategy", "fast", "--chunk", "by_page", str(DATA), "--out", str(tmp_path)])
    assert run_command(args, out=out) == 0
    text = out.getvalue()
    assert "Started 1 on-demand job(s)" in text and "partition fast -> chunk_by_page" in text and "COMPLETED" in text
    (post,) = fake.calls("POST", "/api/v1/jobs/")
    assert [n["type"] for n in json.loads(post.parts()[0].data)["job_nodes"]] == ["partition", "chunk"]
    assert len(list(tmp_path.iterdir())) == 5
    listing = io.StringIO()
    assert terminal.templates_command(build_parser().parse_args(["templates"]), out=listing) == 0
    assert "hi_res_and_enrichment" in listing.getvalue()
