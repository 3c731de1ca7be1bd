"""The same path words send the same files from the magic, the panel and the terminal (one expansion serves all three)."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI, LoopbackServer

CASES = {
    # once sent "a.md" twice from the magic and once from the panel
    "a folder and a file in it": ["data/", "data/a.md"],
    # once skipped data/sub/c.md in the magic and included it in the panel
    "a glob matching a folder": ["data/*"],
    "a recursive glob, a hidden file named, a duplicate": ["data/**/*.md", "data/.notes.md", "data/b.txt", "data/b.txt"],
}
EXPECTED = {
    "a folder and a file in it": ["a.md", "b.txt"],
    "a glob matching a folder": ["a.md", "b.txt", "c.md"],
    "a recursive glob, a hidden file named, a duplicate": ["a.md", "c.md", ".notes.md", "b.txt"],
}


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    for name, text in {"a.md": "# A", "b.txt": "B", "sub/c.md": "# C", ".notes.md": "hidden", "tool.exe": "x"}.items():
        (tmp_path / "data" / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    fake = FakeAPI(progress=["COMPLETED"])
    fake.add_workflow("partition")
    with fake.serve() as srv:
        yield srv


def sent(server: LoopbackServer) -> list[str]:
    (post,) = server.fake.calls("POST", r"/api/v1/workflows/[^/]+/run")
    server.fake.requests.clear()
    return [p.filename or "" for p in post.parts()]


def via_magic(server: LoopbackServer, words: list[str]) -> list[str]:
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    ip.run_line_magic("load_ext", "unstructured_nb")
    run = ip.run_line_magic("unstructured_run", f"partition {' '.join(words)} --api-url {server.url} --poll 0.05 --wait")
    assert run.status.value == "COMPLETED"
    return sent(server)


def via_panel(server: LoopbackServer, words: list[str]) -> list[str]:
    from unstructured_nb import panel

    p = panel(workflow="partition", files=words, api_url=server.url, poll=0.05)
    try:
        p.run()
        p.wait(timeout=30)
    finally:
        p.close()
    return sent(server)


def via_terminal(server: LoopbackServer, words: list[str]) -> list[str]:
    from unstructured_nb.terminal import run_command

    args = argparse.Namespace(workflow="partition", paths=words, out=None, attach=None, api_url=server.url, poll=0.05, timeout=30)
    assert run_command(args, out=io.StringIO()) == 0
    return sent(server)


@pytest.mark.parametrize("case", list(CASES))
def test_magic_panel_and_terminal_send_the_same_files(server: LoopbackServer, case: str) -> None:
    words = CASES[case]
    results = {
        front: send(server, words) for front, send in (("magic", via_magic), ("panel", via_panel), ("terminal", via_terminal))
    }
    assert results == dict.fromkeys(results, EXPECTED[case])


def sent_job(server: LoopbackServer) -> tuple[str, list[str]]:
    """The one POST /jobs/ since the last call: its request_data and the file names it sent."""
    (post,) = server.fake.calls("POST", "/api/v1/jobs/")
    server.fake.requests.clear()
    parts = post.parts()
    data = next(p.data for p in parts if p.name == "request_data").decode()
    return data, [p.filename or "" for p in parts if p.name == "input_files"]


@pytest.mark.parametrize("case", list(CASES))
def test_magic_and_panel_send_the_same_on_demand_job(server: LoopbackServer, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel's Template and Custom modes against ``%unstructured_run --template`` / ``--strategy ... --embed``."""
    from IPython.testing.globalipapp import get_ipython

    from unstructured_nb import panel
    from unstructured_nb.runs import PLATFORM_LIMITS

    # the platform's second between launches, shortened: this fake does not count them, and the unit tests stay fast
    monkeypatch.setattr("unstructured_nb.runs.start.PLATFORM_LIMITS", replace(PLATFORM_LIMITS, launch_interval=0.01))

    words = CASES[case]
    ip = get_ipython()
    ip.run_line_magic("load_ext", "unstructured_nb")
    for flags, mode, values in (
        ("--template 'High res'", "template", {"template": "hi_res_and_enrichment"}),
        ("--strategy auto --chunk by_page --max-characters 900 --embed", "custom", {"strategy": "auto", "chunk": "by_page"}),
    ):
        run = ip.run_line_magic("unstructured_run", f"{flags} {' '.join(words)} --api-url {server.url} --poll 0.05 --wait")
        assert run.status.value == "COMPLETED"
        magic = sent_job(server)
        p = panel(files=words, api_url=server.url, poll=0.05)
        try:
            p.mode.value = mode
            for name, value in values.items():
                getattr(p, name).value = value
            if mode == "custom":
                p.max_characters.value, p.embed.value = "900", True
            p.run()
            p.wait(timeout=30)
        finally:
            p.close()
        assert sent_job(server) == magic and magic[1] == EXPECTED[case]
