"""The page viewer in a real browser: a local-engine run of a multi-page PDF, in JupyterLab and in Voila.

Each test opens a notebook that runs ``partition`` on a generated 3-page PDF and shows
``run.view()``, then counts the boxes on page 1 against the elements the run returned,
clicks a box and checks the element the kernel selected, turns the page and hides a type,
with a screenshot of each state in test-artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.render.pdfs import make_pdf

from ._servers import WebServer, jupyter_env, start_jupyter, start_voila, stop_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]
T = 90_000  # ms: the kernel starts, the engine partitions, the page draws

CELLS = [
    "import json, unstructured_nb\n"
    "run = unstructured_nb.run('partition', ['report.pdf'], wait=True, timeout=120)\n"
    "elements = run.outputs()['report.pdf']['Partitioner']",
    "viewer = run.view()\nviewer",
    "boxed = {}\n"
    "for e in elements:\n"
    "    if e['metadata'].get('coordinates'):\n"
    "        key = str(e['metadata']['page_number'])\n"
    "        boxed.setdefault(key, []).append([e['element_id'], e['type']])\n"
    "print('EXPECTED ' + json.dumps(boxed))",
]


def notebook(cells: list[str]) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
            for i, src in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("viewer-site")
    make_pdf(root / "report.pdf", pages=3)
    path = root / "viewer.ipynb"
    path.write_text(json.dumps(notebook(CELLS), indent=1))
    jenv = jupyter_env(tmp_path_factory.mktemp("viewer-jupyter"), engine.url)
    return {"root": root, "notebook": path, "env": jenv}


@pytest.fixture
def lab(chromium, site) -> Iterator[WebServer]:
    root: Path = site["root"]  # type: ignore[assignment]
    server = start_jupyter("lab", root, site["env"], root.parent / "viewer-lab.log")  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_process(server.proc)


@pytest.fixture
def voila(chromium, site) -> Iterator[WebServer]:
    root: Path = site["root"]  # type: ignore[assignment]
    server = start_voila(root, site["notebook"], site["env"], root.parent / "viewer-voila.log")  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_process(server.proc)


def _expect():
    from playwright.sync_api import expect

    return expect


def expected_boxes(page) -> dict[str, list[list[str]]]:
    line = page.get_by_text(re.compile(r"^EXPECTED ")).first
    _expect()(line).to_be_attached(timeout=T)
    return json.loads(line.inner_text().split("EXPECTED ", 1)[1])


def exercise(page, viewer, artifacts: Path, front: str) -> None:
    """The user's tour: count, click, turn the page, hide a type; a screenshot of each."""
    expect = _expect()
    expected = expected_boxes(page)
    boxes = viewer.locator("rect.unb-box")
    expect(boxes).to_have_count(len(expected["1"]), timeout=T)
    assert sorted(boxes.evaluate_all("rs => rs.map(r => r.getAttribute('data-id'))")) == sorted(i for i, _ in expected["1"])
    image = viewer.locator("img.unb-page-img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=T)
    viewer.scroll_into_view_if_needed()
    viewer.screenshot(path=str(artifacts / f"viewer-{front}-1-page1.png"))

    # click the first box: the kernel selects its element and shows its row beside the page
    first_id, first_type = expected["1"][0]
    viewer.locator(f'rect.unb-box[data-id="{first_id}"]').click()
    detail = viewer.locator(".unb-detail-wrap")
    expect(detail).to_contain_text(first_id, timeout=T)
    expect(detail).to_contain_text(first_type)
    expect(viewer.locator(f'rect.unb-box.unb-selected[data-id="{first_id}"]')).to_have_count(1)
    viewer.screenshot(path=str(artifacts / f"viewer-{front}-2-selected.png"))

    # turn the page
    viewer.locator("button.unb-next").click()
    expect(viewer.locator("input.unb-page-input")).to_have_value("2", timeout=T)
    expect(boxes).to_have_count(len(expected["2"]), timeout=T)
    assert sorted(boxes.evaluate_all("rs => rs.map(r => r.getAttribute('data-id'))")) == sorted(i for i, _ in expected["2"])
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=T)
    viewer.screenshot(path=str(artifacts / f"viewer-{front}-3-page2.png"))

    # hide the most common type on this page from the legend
    counts: dict[str, int] = {}
    for _, etype in expected["2"]:
        counts[etype] = counts.get(etype, 0) + 1
    hidden_type = max(counts, key=lambda t: counts[t])
    viewer.locator(f'button.unb-legend-item[data-type="{hidden_type}"]').click()
    expect(viewer.locator(f'button.unb-legend-item.unb-off[data-type="{hidden_type}"]')).to_have_count(1, timeout=T)
    expect(viewer.locator(f'rect.unb-box.unb-hidden[data-type="{hidden_type}"]')).to_have_count(counts[hidden_type])
    visible = viewer.locator("rect.unb-box:not(.unb-hidden)")
    expect(visible).to_have_count(len(expected["2"]) - counts[hidden_type])
    viewer.screenshot(path=str(artifacts / f"viewer-{front}-4-hidden.png"))


def test_lab_viewer_on_a_local_run(lab: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1360, "height": 1400})
    page.goto(f"{lab.base}/lab/workspaces/viewer/tree/viewer.ipynb?reset&token={lab.token}")
    expect(page.locator(".jp-Toolbar-kernelName").first).to_contain_text("Python 3", timeout=T)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_visible(timeout=T)
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()  # fold the file browser
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
    viewer = page.locator(".jp-OutputArea-output .unb-viewer").first
    expect(viewer).to_be_visible(timeout=T)
    exercise(page, viewer, artifacts, "lab")


def test_voila_viewer_on_a_local_run(voila: WebServer, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1360, "height": 1400})
    page.goto(f"{voila.base}/?token={voila.token}")
    viewer = page.locator(".unb-viewer").first
    expect(viewer).to_be_visible(timeout=T)
    exercise(page, viewer, artifacts, "voila")
