"""What view() is given, turned into documents: runs, DataFrames, element lists and JSON files, with their sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from tests.render.pdfs import make_pdf, pixel_element
from unstructured_nb.client import Client
from unstructured_nb.errors import InputFileError, UsageError
from unstructured_nb.runs import attach, start_run
from unstructured_nb.runs.viewing import documents

from .conftest import quick_tracker

SIZE = (612.0, 792.0)


def elements_of(name: str, pages: int = 2) -> list[dict]:
    out = []
    for page in range(1, pages + 1):
        for i in range(3):
            el = pixel_element("NarrativeText", (72, 100 + 60 * i, 540, 150 + 60 * i), SIZE, page)
            el["metadata"]["filename"] = name
            out.append(el)
    return out


@pytest.fixture
def finished(fake: FakeAPI, client: Client, tmp_path: Path):
    """A completed run of a 2-page PDF on disk, whose output has coordinates."""
    pdf = tmp_path / "report.pdf"
    make_pdf(pdf, pages=2)
    run = start_run("partition", [str(pdf)], client=client, track=False)
    for file_id in run.job.input_file_ids:
        fake.outputs[(file_id, "n-partition")] = elements_of("report.pdf")
    run.track(quick_tracker()).wait(timeout=10)
    return run, pdf


def test_a_run_knows_its_source(finished):
    run, _pdf = finished
    (doc,) = documents([run])
    assert doc.name == "report.pdf" and doc.pages is not None and doc.pages.page_count == 2 and doc.note == ""
    assert len(doc.panes) == 1 and len(doc.panes[0].elements) == 6


def test_an_attached_run_says_its_source_is_missing_until_given(finished, client: Client):
    run, pdf = finished
    again = attach(run.job_id, client=client)
    (doc,) = documents([again])
    assert doc.pages is None and "attached or started elsewhere" in doc.note
    (doc,) = documents([again], source=pdf)
    assert doc.pages is not None and doc.note == ""
    (doc,) = documents([again], source={"report.pdf": pdf.read_bytes()})
    assert doc.pages is not None


def test_a_source_moved_since_the_run_is_noted(finished, tmp_path: Path):
    run, pdf = finished
    pdf.rename(tmp_path / "moved.pdf")
    (doc,) = documents([run])
    assert doc.pages is None and "no longer where it was" in doc.note


def test_a_wrong_source_given_is_an_error(finished, tmp_path: Path):
    run, _ = finished
    with pytest.raises(InputFileError, match="does not exist"):
        documents([run], source=tmp_path / "nope.pdf")


def test_dataframe_rows_view_like_the_elements_they_came_from(finished):
    run, pdf = finished
    frame = run.elements()
    (from_frame,) = documents([frame], source=pdf)
    (from_list,) = documents([run.outputs()["report.pdf"]["Partitioner"]], source=pdf)
    assert from_frame.panes[0].elements == from_list.panes[0].elements


def test_two_items_are_two_panes_and_files_are_picked_by_name(tmp_path: Path):
    a, b = elements_of("a.pdf") + elements_of("b.pdf"), elements_of("a.pdf", pages=1)
    docs = documents([a, b], titles=["small chunks", "large chunks"])
    assert [d.name for d in docs] == ["a.pdf", "b.pdf"] and [p.title for p in docs[0].panes] == ["small chunks", "large chunks"]
    assert docs[1].panes[1].elements == []
    assert [d.name for d in documents([a], file="b.pdf")] == ["b.pdf"]
    with pytest.raises(UsageError, match=r"The files are: a\.pdf, b\.pdf"):
        documents([a], file="c.pdf")
    with pytest.raises(UsageError, match="Pick one with file="):
        documents([a], source=b"%PDF")
    assert [p.title for p in documents([a, a])[0].panes] == ["A: elements", "B: elements"]


def test_a_saved_element_json_file_and_bad_inputs(tmp_path: Path):
    path = tmp_path / "report.pdf.json"
    path.write_text(json.dumps(elements_of("report.pdf")))
    (doc,) = documents([path])
    assert doc.pages is None and "No source was given for report.pdf" in doc.note
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputFileError, match="not an element JSON file"):
        documents([tmp_path / "bad.json"])
    with pytest.raises(UsageError, match="Cannot view a int"):
        documents([3])
    with pytest.raises(UsageError, match="hold no elements"):
        documents([[]])
