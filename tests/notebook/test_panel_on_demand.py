"""The panel's Template and Custom modes against a real local engine: widgets set like a user, Run clicked, the
jobs the engine ran and the elements that came back checked (and a Voila visitor's run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notebook.test_panel import TIMEOUT, made, upload  # noqa: F401  # made: the fixture of panels on the engine
from unstructured_nb.client import Client
from unstructured_nb.errors import UnstructuredError
from unstructured_nb.runs import BatchRun

pytestmark = pytest.mark.engine

NOTES = (
    ("lighthouse.md", b"# The lighthouse\n\n" + b"The keeper climbs the stairs every evening to light the lamp. " * 12),
    ("orchard.txt", b"Apple trees line the orchard.\n\n" + b"In autumn the pickers fill crates with red apples. " * 12),
)


def test_template_run_from_the_panel_completes_with_embeddings(made, engine):  # noqa: F811
    p = made()
    p.mode.value = "template"
    assert {"partition", "partition-and-chunk", "chunk-and-embed"} <= set(p.state.choice.template_ids())
    assert p.workflow_row.layout.display == "none" and p.choices.template_row.layout.display is None
    p.template.value = "chunk-and-embed"
    assert "embed with the local model" in p.choices.template_info.value
    upload(p, *NOTES, chunk=64)
    assert p.state.status_text() == "Ready to run template 'chunk-and-embed' on 2 files (1.4 kB)."
    p.run_button.click()
    run = p.wait(timeout=TIMEOUT)
    assert isinstance(run, BatchRun) and run.status.value == "COMPLETED" and p.error == ""
    elements = run.elements()
    assert set(elements["filename"]) == {"lighthouse.md", "orchard.txt"}
    assert set(elements["type"]) == {"CompositeElement"} and elements["embeddings"].map(len).eq(256).all()
    with Client(engine.url) as c:  # the engine ran the template's nodes on exactly these files
        (job,) = [c.get_job(i) for i in run.job_ids]
        assert len(job.input_file_ids) == 2 and job.job_type == "ephemeral"  # an on-demand job, no workflow of the list
    assert p.state.preview is not None and p.state.preview.title.endswith("from 2 files")
    # a refresh of either list keeps the mode and the template
    p.refresh_button.click()
    p.template_refresh.click()
    assert (p.mode.value, p.template.value, p.state.choice.template) == ("template", "chunk-and-embed", "chunk-and-embed")


def test_custom_run_chunks_and_embeds_and_many_files_become_several_jobs(made, tmp_path: Path):  # noqa: F811
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(12):  # over the 10 files a job may take: two jobs, one run
        (folder / f"n{i:02d}.md").write_text(f"# Note {i}\n\n" + f"Paragraph {i} is about river stones and maps. " * 10)
    p = made(files=str(folder))
    p.mode.value = "custom"
    p.strategy.value = "hi_res"
    p.chunk.value = "by_character"  # "basic"
    p.max_characters.value = "200"
    p.embed.value = True
    assert "local model wordllama" in p.choices.embedder_info.value
    assert p.state.status_text().startswith("Ready to run custom partition hi_res -> chunk_by_character 200 -> embed local on 12")
    run = p.run()
    assert isinstance(run, BatchRun) and p.wait(timeout=TIMEOUT) is run and run.status.value == "COMPLETED"
    snap = run.snapshot()
    assert len(run.job_ids) == 2 and [j.status for j in snap.jobs] == ["COMPLETED", "COMPLETED"]
    assert sorted(len(j.files) for j in snap.jobs) == [2, 10]  # the platform's 10 files per job
    elements = run.elements()
    assert elements["filename"].nunique() == 12 and elements["text"].str.len().max() <= 200
    assert elements["embeddings"].map(len).eq(256).all()
    assert p.table.value.count("<tr") >= 3  # the run's totals and its two jobs


def test_a_chunker_the_engine_refuses_is_a_clear_error_and_nothing_is_lost(made, tmp_path: Path):  # noqa: F811
    (tmp_path / "a.txt").write_text("Some text to chunk.\n")
    p = made(files=str(tmp_path / "a.txt"))
    p.mode.value = "custom"
    p.chunk.value = "by_similarity"
    assert dict(p.chunk.options)["by similarity (platform only)"] == "by_similarity"
    with pytest.raises(UnstructuredError):
        p.run()
    assert "chunk_by_similarity runs on the Unstructured Platform only" in p.error and "Traceback" not in p.error
    assert p.runs == [] and [f.name for f in p.state.files] == ["a.txt"]  # the choice and the files stay
    p.chunk.value = "by_page"  # changing the choice clears the error; the run then goes through
    assert p.error == ""
    run = p.run()
    assert p.wait(timeout=TIMEOUT) is run and run.status.value == "COMPLETED"


def test_a_voila_visitor_runs_a_template(made, monkeypatch):  # noqa: F811
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-2")
    try:
        p = made(template="partition-and-chunk")
        assert p.paths is None and p.mode.value == "template" and p.template.value == "partition-and-chunk"
        upload(p, NOTES[0])
        p.run()
        run = p.wait(timeout=TIMEOUT)
        assert run is not None and run.status.value == "COMPLETED"
        assert p.state.preview is not None and p.state.preview.hint == "First 3 shown."  # no code to run here
        with pytest.raises(UnstructuredError, match=r"offers: .*partition-and-chunk"):
            p.select_template("no-such-template")
    finally:
        from unstructured_nb import hints

        hints.speak("auto")
