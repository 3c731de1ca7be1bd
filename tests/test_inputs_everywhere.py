"""The same path words send the same files from the magic, the panel and the terminal (one expansion serves all three)."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
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
