"""The viewer without a live kernel: an executed notebook saved as HTML shows each shown page as an SVG with one rect per box.

The notebook is executed by nbclient in a real kernel against a local engine, saved the way
JupyterLab saves by default (without widget state, so exports fall back to the bundle's
text/html) and exported with nbconvert's HTML exporter.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.render.pdfs import make_pdf

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

CELLS = [
    "import json, unstructured_nb\n"
    "run = unstructured_nb.run('partition', ['report.pdf'], wait=True, timeout=120)\n"
    "elements = run.outputs()['report.pdf']['Partitioner']",
    "run.view()",  # page 1
    "second = run.view()\nsecond.page = 2\nsecond",  # page 2
    "unstructured_nb.view(run, run, titles=['left', 'right'])",  # two panes on page 1
    "counts = {}\n"
    "for e in elements:\n"
    "    if e['metadata'].get('coordinates'):\n"
    "        counts[e['metadata']['page_number']] = counts.get(e['metadata']['page_number'], 0) + 1\n"
    "print('EXPECTED', json.dumps(counts))",
]


def test_saved_html_holds_an_svg_per_shown_page_with_a_rect_per_box(engine, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    make_pdf(tmp_path / "report.pdf", pages=3)
    monkeypatch.setenv("UNSTRUCTURED_API_URL", engine.url)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    nb.metadata.pop("widgets", None)  # as JupyterLab saves by default: no widget state
    (body, _resources) = HTMLExporter().from_notebook_node(nb)
    (tmp_path / "saved.html").write_text(body)

    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    expected = {int(k): v for k, v in json.loads(printed.split("EXPECTED", 1)[1]).items()}
    snapshots = body.split('class="unb-viewer-snapshot"')[1:]
    assert len(snapshots) == 3, "one snapshot per viewer shown"
    shown_pages = [[1], [2], [1, 1]]
    for snapshot, pages in zip(snapshots, shown_pages, strict=True):
        svgs = re.findall(r"<svg [^>]*class=\"unb-page-svg\".*?</svg>", snapshot, re.S)
        assert len(svgs) == len(pages)
        for svg, page in zip(svgs, pages, strict=True):
            assert re.search(r'<image [^>]*href="data:image/', svg)
            assert svg.count('<rect class="unb-box"') == expected[page]
    assert "Page viewer of report.pdf" in body and "left: page 1 of 3" in body
