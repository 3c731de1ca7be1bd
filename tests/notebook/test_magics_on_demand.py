"""%unstructured_run's on-demand options and %unstructured_templates, in an in-process IPython against the fake API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.config import ENV_NONINTERACTIVE
from unstructured_nb.errors import UnstructuredError
from unstructured_nb.notebook.magics import UnstructuredMagics
from unstructured_nb.runs import BatchRun


@pytest.fixture
def fake() -> FakeAPI:
    return FakeAPI(progress=("IN_PROGRESS", "COMPLETED"))


@pytest.fixture
def ip(fake: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from IPython.testing.globalipapp import get_ipython, start_ipython

    shell = start_ipython() or get_ipython()  # one shell per process: the second call returns None
    client = fake.client()
    monkeypatch.setattr(UnstructuredMagics, "_client", lambda self, api_url: client)
    monkeypatch.setenv(ENV_NONINTERACTIVE, "1")  # the run blocks and prints its final table
    shell.register_magics(UnstructuredMagics)
    yield shell
    client.close()


def posted(fake: FakeAPI) -> list[dict[str, Any]]:
    return [json.loads(r.parts()[0].data) for r in fake.calls("POST", "/api/v1/jobs/")]


def test_flags_build_the_job_nodes(ip: Any, fake: FakeAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(3):
        (tmp_path / f"n{i}.md").write_text(f"# Note {i}\n\nText {i}.")
    run = ip.run_line_magic(
        "unstructured_run", f"--poll 0.05 --strategy hi_res --chunk by_title --max-characters 1000 --embed {tmp_path}"
    )
    assert isinstance(run, BatchRun) and run.finished
    (data,) = posted(fake)
    assert [(n["type"], n["subtype"]) for n in data["job_nodes"]] == [
        ("partition", "unstructured_api"),
        ("chunk", "chunk_by_title"),
        ("embed", "azure_openai"),  # the fake is not the local engine: the platform's default embedder
    ]
    assert data["job_nodes"][1]["settings"] == {"max_characters": 1000}
    assert "COMPLETED" in capsys.readouterr().out


def test_template_and_nodes_from_a_variable(ip: Any, fake: FakeAPI, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    ip.run_line_magic("unstructured_run", f"--poll 0.05 --template 'High res' {tmp_path / 'a.txt'}")
    ip.user_ns["my_nodes"] = [{"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}]
    ip.run_line_magic("unstructured_run", f"--poll 0.05 --nodes my_nodes {tmp_path / 'a.txt'}")
    assert posted(fake) == [{"template_id": "hi_res_and_enrichment"}, {"job_nodes": ip.user_ns["my_nodes"]}]


def test_mistakes_send_nothing(ip: Any, fake: FakeAPI, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    with pytest.raises(UnstructuredError, match="needs chunks"):
        ip.run_line_magic("unstructured_run", f"--embed {tmp_path}")
    with pytest.raises(UnstructuredError, match="not found"):
        ip.run_line_magic("unstructured_run", f"--template x {tmp_path / 'missing.pdf'}")
    with pytest.raises(UnstructuredError, match="No input files for the on-demand job"):
        ip.run_line_magic("unstructured_run", "--strategy fast")
    assert fake.count("POST", "/api/v1/jobs/") == 0


def test_templates_magic_lists_them(ip: Any) -> None:
    frame = ip.run_line_magic("unstructured_templates", "")
    assert list(frame["id"]) == ["hi_res_and_enrichment"] and list(frame.columns)[:2] == ["id", "name"]


def test_client_of_the_fake_is_not_local(fake: FakeAPI) -> None:
    with fake.client() as client:
        assert isinstance(client, Client) and not client.is_local
