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


@pytest.fixture(autouse=True)
def _words_reset() -> Iterator[None]:
    """main() says the process is the CLI: the other tests' words come back afterwards."""
    from unstructured_nb import hints

    yield
    hints.speak("auto")


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    """The CLI's commands on the fake API."""
    from unstructured_nb import commands

    fake = FakeAPI()
    fake.add_workflow("partition")
    client = fake.client()
    monkeypatch.setattr(terminal, "shared_client", lambda *a, **k: client)
    monkeypatch.setattr(commands, "shared_client", lambda *a, **k: client)
    return fake


def _main(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from unstructured_nb.cli import main

    code = main(list(argv))
    got = capsys.readouterr()
    return code, got.out, got.err


def test_workflows_jobs_and_cancel_commands(fake_cli: FakeAPI, capsys: pytest.CaptureFixture[str]):
    wf = next(iter(fake_cli.workflows.values()))
    running = fake_cli.add_job(wf, ["a.txt", "b.txt"], status="IN_PROGRESS")
    code, out, _ = _main("workflows", capsys=capsys)
    assert code == 0 and out.splitlines()[0].split()[:2] == ["name", "id"] and "partition" in out
    code, out, _ = _main("jobs", capsys=capsys)
    assert code == 0 and running["id"] in out and "IN_PROGRESS" in out and "elapsed" in out.splitlines()[0]
    code, out, _ = _main("cancel", running["id"], capsys=capsys)
    assert code == 0 and out.startswith(f"Cancel requested for job {running['id']} (it was IN_PROGRESS).")
    code, out, _ = _main("cancel", running["id"], capsys=capsys)
    assert code == 0 and "already ended STOPPED; nothing to cancel" in out
    code, _, err = _main("jobs", "--workflow", "partiton", capsys=capsys)
    assert code == 2 and "Did you mean 'partition'?" in err and "`unstructured-nb workflows`" in err and "%" not in err


def test_attach_shows_names_and_a_partial_completion_exits_4(fake_cli: FakeAPI, capsys: pytest.CaptureFixture[str]):
    wf = next(iter(fake_cli.workflows.values()))
    job = fake_cli.add_job(wf, ["good.md", "bad.pdf"], status="COMPLETED")
    fake_cli.failed[job["id"]] = [{"document": "bad.pdf", "error": "PDF has no text layer"}]
    code, out, err = _main("run", "--attach", job["id"], capsys=capsys)
    assert code == 4, err
    assert f"Following job {job['id']}" in out and "Started" not in out
    assert "good.md, bad.pdf" in out and "file-0-" not in out  # names, not ids
    assert "COMPLETED, 1 of 2 files failed" in out and "PDF has no text layer" in out
    assert "COMPLETED, 1 of 2 files failed" in err


def test_help_renders_cleanly(capsys: pytest.CaptureFixture[str]):
    from unstructured_nb.cli import main

    for command in ([], ["run"], ["jobs"], ["cancel"], ["workflows"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = capsys.readouterr().out
        assert "::" not in text and "``" not in text and text.startswith("usage: unstructured-nb")


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
