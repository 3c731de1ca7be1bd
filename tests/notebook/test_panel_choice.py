"""The panel's "Run with" choice without a server of its own: the traits, the errors, and the request each mode
builds, compared with what %unstructured_run builds from the same options (fake API, in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from IPython.core.magic_arguments import parse_argstring
from traitlets import TraitError

from tests.fake_api import FakeAPI, Reply
from unstructured_nb.errors import UnstructuredError, UsageError
from unstructured_nb.notebook.magics import UnstructuredMagics
from unstructured_nb.notebook.panel import Panel
from unstructured_nb.notebook.panel_choice import RunChoice
from unstructured_nb.runs import BatchRun, job_spec

TEMPLATES = [
    {"id": "t-2", "name": "partition-and-chunk", "description": "Partition, then chunk by title"},
    {"id": "t-1", "name": "hi res", "description": "High resolution"},
]


@pytest.fixture
def fake() -> FakeAPI:
    api = FakeAPI(progress=("COMPLETED",))
    api.add_workflow("partition")
    return api


@pytest.fixture
def made(fake: FakeAPI) -> Iterator[Any]:
    panels: list[Panel] = []
    client = fake.client()

    def make(**kwargs: Any) -> Panel:
        p = Panel(client=client, poll=0.05, **kwargs)
        panels.append(p)
        return p

    yield make
    for p in panels:
        p.wait(timeout=30)
        p.close()
    client.close()


def magic_options(line: str) -> dict[str, Any]:
    """What %unstructured_run passes to runs.start_job for ``line`` (its own parser and option mapping)."""
    magics = UnstructuredMagics(shell=None)
    return magics._job_options(parse_argstring(magics.unstructured_run, line))


def posted(fake: FakeAPI) -> list[tuple[dict[str, Any], list[str]]]:
    """Each POST /jobs/: its request_data and the names of the files it sent."""
    out = []
    for r in fake.calls("POST", "/api/v1/jobs/"):
        parts = r.parts()
        data = json.loads(next(p.data for p in parts if p.name == "request_data"))
        out.append((data, [p.filename or "" for p in parts if p.name == "input_files"]))
    return out


def test_traits_refuse_unknown_values_and_keep_the_template_while_it_exists() -> None:
    choice = RunChoice()
    assert (choice.mode, choice.strategy, choice.chunk, choice.embed) == ("workflow", "fast", "none", False)
    for name, value in (("mode", "magic"), ("strategy", "turbo"), ("chunk", "by_vibes"), ("template", "t-1")):
        with pytest.raises(TraitError):
            setattr(choice, name, value)  # t-1 too: no templates are loaded yet
    choice.set_templates(TEMPLATES)
    assert choice.template_ids() == ["t-1", "t-2"] and choice.template == "t-1"  # sorted by name; the first is chosen
    choice.template = "t-2"
    choice.set_templates([*TEMPLATES, {"id": "t-3", "name": "new"}])  # a reload keeps the choice
    assert choice.template == "t-2"
    choice.set_templates(TEMPLATES[1:])  # gone: the first one left
    assert choice.template == "t-1"
    choice.select_template("HI RES")
    assert choice.template == "t-1"
    with pytest.raises(UsageError, match="offers: hi res"):
        choice.select_template("nope")
    with pytest.raises(TraitError, match="objects with an 'id'"):
        choice.templates = [{"name": "no id"}]


def test_max_characters_errors_are_the_jobspec_rules_worded_for_the_panel() -> None:
    choice = RunChoice(mode="custom", chunk="by_title")
    for typed, message in (
        ("abc", "Max characters must be a whole number of characters, such as 1000; 'abc' is not"),
        ("12.5", "'12.5' is not"),
        ("0", "Max characters must be a positive whole number, got 0"),
        ("-3", "Max characters must be a positive whole number, got -3"),
    ):
        choice.set_max_characters(typed)
        assert choice.error().startswith(message) or message in choice.error(), typed
        assert "--" not in choice.error()  # no flags in the panel's words
    choice.set_max_characters("1,200")
    assert choice.error() == "" and choice.max_characters == 1200
    choice.chunk = "none"
    choice.set_max_characters("abc")
    assert choice.error() == ""  # the field is hidden and unused without a chunker
    # the platform's embedder limit, from the same table the magic uses
    remote = RunChoice(mode="custom", chunk="by_title", embed=True, local=False)
    remote.set_max_characters("40000")
    assert remote.error().startswith("Max characters 40000 is over the limit of 28668 for the embedding model")
    assert remote.embedder_label() == "azure_openai text-embedding-3-small, 1536 dimensions"
    assert RunChoice().embedder_label() == "local model wordllama-l2-supercat-256, 256 dimensions"
    assert RunChoice(local=True).chunk_options()[-1] == ("by similarity (platform only)", "by_similarity")
    assert RunChoice(local=False).chunk_options()[-1] == ("by similarity", "by_similarity")


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("--template t-2 a.txt", {"mode": "template", "template": "t-2"}),
        ("--strategy hi_res a.txt", {"mode": "custom", "strategy": "hi_res"}),
        ("--strategy fast --chunk by_character a.txt", {"mode": "custom", "chunk": "by_character"}),
        (
            "--strategy ocr_only --chunk by_title --max-characters 800 --embed a.txt",
            {"mode": "custom", "strategy": "ocr_only", "chunk": "by_title", "max_characters": "800", "embed": True},
        ),
        ("--strategy auto --chunk by_page a.txt", {"mode": "custom", "strategy": "auto", "chunk": "by_page", "embed": False}),
    ],
)
def test_each_mode_builds_what_the_magic_builds(fake: FakeAPI, line: str, values: dict[str, Any]) -> None:
    choice = RunChoice(local=False)
    choice.set_templates(TEMPLATES)
    for name, value in values.items():
        choice.set_max_characters(value) if name == "max_characters" else setattr(choice, name, value)
    assert choice.error() == "" and choice.todo() == ""
    assert choice.job_options() == magic_options(line)
    with fake.client() as client:  # and the same request once the client is asked (not the local engine)
        if values["mode"] == "custom":
            assert job_spec(client, **choice.job_options()) == job_spec(client, **magic_options(line))
            assert job_spec(client, **choice.job_options()).job_nodes == tuple(choice.nodes())


def test_template_mode_errors_no_templates_and_a_failed_list(fake: FakeAPI, made: Any) -> None:
    p = made()
    assert fake.count("GET", "/api/v1/templates/") == 0  # a workflow user never waits for the templates
    fake.script("GET", "/api/v1/templates/", Reply(200, []))
    p.mode.value = "template"  # the list is loaded on first use
    assert fake.count("GET", "/api/v1/templates/") == 1
    assert p.state.choice.templates_loaded and p.state.choice.templates == []
    assert p.error.startswith("This server offers no templates. Choose Workflow")
    assert p.run_button.disabled and p.state.status_text() == "Fix the choice above (see the error below)."
    p.mode.value = "workflow"
    assert p.error == ""  # not this mode's problem any more
    p.mode.value = "template"
    fake.script("GET", "/api/v1/templates/", Reply(503, {"detail": "templates are down"}))
    p.template_refresh.click()
    assert "503" in p.error and p.state.error_source == "templates" and p.mode.value == "template"
    p.template_refresh.click()  # the fake's own list again
    assert p.error == "" and p.state.choice.template == "hi_res_and_enrichment"


def test_only_the_chosen_modes_controls_show_and_code_drives_the_widgets(made: Any, tmp_path: Path) -> None:
    p = made()
    shown = {"workflow": p.workflow_row, "template": p.choices.template_row, "custom": p.choices.custom_row}
    for mode in ("workflow", "template", "custom", "workflow"):
        p.mode.value = mode
        assert [m for m, row in shown.items() if row.layout.display != "none"] == [mode]
    p.state.choice.mode = "custom"  # from code: the toggle follows
    assert p.mode.value == "custom" and p.max_characters.layout.display == "none" and p.embed.disabled
    p.chunk.value = "by_title"
    assert p.max_characters.layout.display is None and not p.embed.disabled
    p.max_characters.value = "lots"
    assert p.error.startswith("Max characters must be a whole number") and p.run_button.disabled
    (tmp_path / "a.txt").write_text("hello")
    p.paths.value = str(tmp_path / "a.txt")
    assert p.run_button.disabled and p.state.status_text() == "Fix the choice above (see the error below)."
    with pytest.raises(UnstructuredError, match="whole number"):
        p.run()
    p.max_characters.value = "300"
    assert p.error == "" and not p.run_button.disabled
    assert p.state.status_text() == "Ready to run custom partition fast -> chunk_by_title 300 on 1 file (5 B)."
    # a refresh of either list keeps the mode and the values
    p.refresh_button.click()
    p.template_refresh.click()
    assert (p.mode.value, p.chunk.value, p.max_characters.value) == ("custom", "by_title", "300")
    assert p.state.choice.max_characters == 300


def test_the_panel_sends_what_the_magic_sends(fake: FakeAPI, made: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from IPython.testing.globalipapp import get_ipython, start_ipython

    from unstructured_nb.config import ENV_NONINTERACTIVE
    from unstructured_nb.runs import PLATFORM_LIMITS

    # the platform's second between launches, shortened: this fake does not count them, and the unit tests stay fast
    monkeypatch.setattr("unstructured_nb.runs.start.PLATFORM_LIMITS", replace(PLATFORM_LIMITS, launch_interval=0.01))

    for name in ("a.md", "b.txt"):
        (tmp_path / name).write_text(f"# {name}\n\nSome text.\n")
    words = f"{tmp_path}/*.md {tmp_path / 'b.txt'}"
    client = fake.client()
    shell = start_ipython() or get_ipython()
    monkeypatch.setattr(UnstructuredMagics, "_client", lambda self, api_url: client)
    monkeypatch.setenv(ENV_NONINTERACTIVE, "1")
    shell.register_magics(UnstructuredMagics)
    for line, setup in (
        ("--template 'High res'", {"template": "hi_res_and_enrichment"}),
        ("--strategy hi_res --chunk by_title --max-characters 700 --embed", {"strategy": "hi_res", "chunk": "by_title"}),
    ):
        shell.run_line_magic("unstructured_run", f"--poll 0.05 {line} {words}")
        p = made(files=words)
        p.mode.value = "template" if "template" in setup else "custom"
        for name, value in setup.items():
            getattr(p, name).value = value
        if "chunk" in setup:
            p.max_characters.value, p.embed.value = "700", True
        run = p.run()
        assert isinstance(run, BatchRun) and p.wait(timeout=30) is run and run.status.value == "COMPLETED"
        magic, panel = posted(fake)[-2:]
        assert magic == panel and sorted(panel[1]) == ["a.md", "b.txt"]
    client.close()


def test_a_template_gone_before_run_is_one_paragraph_in_the_apps_words(fake: FakeAPI, made: Any, tmp_path: Path) -> None:
    from unstructured_nb import hints

    (tmp_path / "a.txt").write_text("hello")
    p = made(template="High res", files=str(tmp_path / "a.txt"))
    assert p.mode.value == "template" and not p.run_button.disabled
    fake.script("GET", "/api/v1/templates/", Reply(200, []))  # removed on the server since the list was loaded
    hints.speak("app")  # as under Voila: the hint names the panel's list, not a magic
    try:
        with pytest.raises(UnstructuredError):
            p.run()
    finally:
        hints.speak("auto")
    assert p.error.startswith("No template has the id or name 'hi_res_and_enrichment'")
    assert p.error.endswith("List them with the Template list.") and "%" not in p.error
    assert fake.count("POST", "/api/v1/jobs/") == 0 and p.runs == []
