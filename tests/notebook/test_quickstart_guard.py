"""The quickstart's stored outputs really are checked: a changed output that matters fails nbval."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "01_quickstart.ipynb"

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def test_quickstart_is_committed_executed_with_ids_and_no_volatile_leftovers():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "store the executed notebook (nbval skips unexecuted cells)"
    assert all(c.get("id") for c in nb.cells)
    checked = [c for c in code if "NBVAL_IGNORE_OUTPUT" not in c.source]
    assert any("status: COMPLETED" in "".join(o.get("text", "") for o in c.outputs) for c in checked)
    # the saved notebook keeps the final status table as plain HTML (shown by nbconvert --to html, no JS)
    waited = next(c for c in code if c.source.strip().endswith("run.wait()"))
    html = "".join(o["data"].get("text/html", "") for o in waited.outputs if "data" in o)
    assert 'class="unb-table"' in html and 'data-status="COMPLETED"' in html


def test_a_changed_status_fails_the_notebook_check(tmp_path: Path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and "status: COMPLETED" in out.get("text", ""):
                out["text"] = out["text"].replace("status: COMPLETED", "status: FAILED")
                break
        else:
            continue
        break
    else:
        pytest.fail("the quickstart no longer prints the final status")
    broken = tmp_path / "notebooks" / "broken.ipynb"
    broken.parent.mkdir()
    shutil.copytree(REPO / "notebooks" / "data", broken.parent / "data")
    nbformat.write(nb, broken)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(REPO / "notebooks" / "sanitize.cfg"),
            "-o",
            "addopts=",
            str(broken),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert "status: FAILED" in proc.stdout or "mismatch" in proc.stdout.lower(), proc.stdout[-2000:]
