"""The panel in a real browser: notebooks/02_panel.ipynb in JupyterLab, Notebook 7 and Voila,
driven by Debian's Chromium through playwright, against a local engine started here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ._browser import T, _expect, button, choose_upload_and_run, run_all_cells, wait_for_kernel
from ._servers import APP, WebServer, jupyter_env, notebook_copy, start_jupyter, start_voila, stop_process, write_samples

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLOW_FILES = 80  # x FILE_DELAY each on 2 workers: ~10 s, so the job is still running when Cancel is clicked


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A temp root dir with the notebook copy, its data, and files to upload."""
    root = tmp_path_factory.mktemp("panel-site")
    samples = write_samples(root, SLOW_FILES)
    notebook = notebook_copy(root)
    jenv = jupyter_env(tmp_path_factory.mktemp("panel-jupyter"), engine.url)
    return {"root": root, "notebook": notebook, "app": notebook_copy(root, APP), "env": jenv, **samples}


@contextmanager
def jupyter_server(app: str, site) -> Iterator[WebServer]:
    """``jupyter lab`` or ``jupyter notebook`` serving the site, stopped (with its kernels) afterwards."""
    root: Path = site["root"]
    server = start_jupyter(app, root, site["env"], root.parent / f"{app}.log")
    try:
        yield server
    finally:
        stop_process(server.proc)


# One server per test that uses it, so that an earlier server and its kernel are gone
# before the next front-end starts: they never run at the same time on the shared root.
@pytest.fixture
def lab(chromium, site) -> Iterator[WebServer]:
    with jupyter_server("lab", site) as server:
        yield server


@pytest.fixture
def notebook7(chromium, site) -> Iterator[WebServer]:
    with jupyter_server("notebook", site) as server:
        yield server


@pytest.fixture
def voila(chromium, site) -> Iterator[WebServer]:
    root: Path = site["root"]  # type: ignore[assignment]
    server = start_voila(root, site["app"], site["env"], root.parent / "voila.log")  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_process(server.proc)


def check_completed_with_preview(panel, rows: int) -> None:
    expect = _expect()
    table = panel.locator("table.unb-table").filter(has_text="job_id")
    expect(table.locator("tbody tr")).to_have_count(rows, timeout=T)
    expect(table.locator("tbody tr").last.locator('[data-status="COMPLETED"]')).to_be_visible(timeout=T)
    preview = panel.locator(".unb-h", has_text="Results of run")
    expect(preview).to_contain_text(f"Results of run {rows}", timeout=T)
    expect(preview).to_contain_text("2 files")
    # the elements of the uploaded files are previewed (their titles come first)
    expect(panel).to_contain_text("Alpha report", timeout=T)
    expect(panel).to_contain_text("Beta document")


def test_lab_upload_run_complete_then_cancel_a_slow_job(lab: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1360, "height": 1500})  # room for the whole panel in the screenshot
    page.goto(f"{lab.base}/lab/workspaces/ci/tree/{site['notebook'].name}?reset&token={lab.token}")  # type: ignore[union-attr]
    wait_for_kernel(page)
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()  # fold the file browser
    panel = run_all_cells(page)

    choose_upload_and_run(page, panel, [site["alpha"], site["beta"]])  # type: ignore[list-item]
    check_completed_with_preview(panel, rows=1)

    # a slow job: 40 files from the kernel's disk through the path field, then Cancel
    panel.get_by_title("Clear the chosen files").click()
    paths = panel.locator(".widget-text input").last
    paths.fill("slow/*.txt")
    paths.press("Enter")
    expect(panel).to_contain_text(f"{SLOW_FILES} files", timeout=T)
    button(panel, "Run").click()
    cancel = button(panel, "Cancel")
    expect(cancel).to_be_enabled(timeout=T)
    table = panel.locator("table.unb-table").filter(has_text="job_id")
    expect(table.locator("tbody tr")).to_have_count(2, timeout=T)
    expect(panel.get_by_text(re.compile(r"Progress of job \w{8} \(partition\)"))).to_be_visible(timeout=T)  # per-node progress
    expect(panel).to_contain_text(f"/{SLOW_FILES} done")
    panel.screenshot(path=str(artifacts / "panel-lab-running.png"))
    cancel.click()
    expect(table.locator("tbody tr").last.locator('[data-status="STOPPED"]')).to_be_visible(timeout=T)
    expect(cancel).to_be_disabled(timeout=T)
    expect(table.locator("tbody tr").first.locator('[data-status="COMPLETED"]')).to_be_visible()
    expect(panel.locator(".unb-error")).to_have_count(0)

    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts / "panel-lab.png"))
    page.screenshot(path=str(artifacts / "panel-lab-page.png"), full_page=True)


def test_notebook7_upload_run_complete(notebook7: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1360, "height": 1500})
    page.goto(f"{notebook7.base}/notebooks/{site['notebook'].name}?token={notebook7.token}")  # type: ignore[union-attr]
    expect(page.locator("#jp-NotebookLogo")).to_be_visible(timeout=T)  # Notebook 7's own shell, not Lab's
    wait_for_kernel(page)
    panel = run_all_cells(page)
    choose_upload_and_run(page, panel, [site["alpha"], site["beta"]])  # type: ignore[list-item]
    check_completed_with_preview(panel, rows=1)
    expect(button(panel, "Cancel")).to_be_disabled()
    expect(panel.locator(".unb-error")).to_have_count(0)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts / "panel-notebook7.png"))
    page.screenshot(path=str(artifacts / "panel-notebook7-page.png"), full_page=True)


def test_voila_upload_run_complete(voila: WebServer, site, page, artifacts: Path):
    """notebooks/03_class_app.ipynb, the README's Voila app."""
    expect = _expect()
    page.goto(f"{voila.base}/?token={voila.token}")
    panel = page.locator(".unb-panel").first
    expect(panel).to_be_visible(timeout=T)
    choose_upload_and_run(page, panel, [site["alpha"], site["beta"]])  # type: ignore[list-item]
    check_completed_with_preview(panel, rows=1)
    expect(panel.locator(".unb-error")).to_have_count(0)
    panel.screenshot(path=str(artifacts / "panel-voila.png"))
    page.screenshot(path=str(artifacts / "panel-voila-page.png"), full_page=True)


def test_html_snapshot_reads_well_without_widgets(engine, page, artifacts: Path, tmp_path):
    """The text/html fallback (exported notebooks, HTML-only viewers) as a static page."""
    from unstructured_nb.notebook.panel import panel

    expect = _expect()
    (tmp_path / "snap.md").write_text("# Snapshot title\n\nA paragraph about amber lanterns.\n")
    p = panel(workflow="partition", files=str(tmp_path / "snap.md"), api_url=engine.url)
    try:
        p.run()
        p.wait(timeout=60)
        html_file = tmp_path / "snapshot.html"
        html_file.write_text(f"<!doctype html><meta charset=utf-8><body style='font-family:sans-serif'>{p.to_html()}</body>")
    finally:
        p.close()
    page.goto(html_file.as_uri())
    snap = page.locator(".unb-panel")
    expect(snap.locator('[data-status="COMPLETED"]')).to_be_visible()
    expect(snap).to_contain_text("amber lanterns")
    expect(snap).to_contain_text("A snapshot: the interactive panel needs a live kernel")
    snap.screenshot(path=str(artifacts / "panel-html-snapshot.png"))
