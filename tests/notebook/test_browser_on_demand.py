"""The panel's Template and Custom modes in a real JupyterLab (notebooks/02_panel.ipynb), driven by Debian's Chromium
through playwright against a local engine started here: the clicks a user makes, the COMPLETED run they see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._browser import T, _expect, button, choose_files, run_all_cells, wait_for_kernel
from ._servers import APP, WebServer, jupyter_env, notebook_copy, start_jupyter, start_voila, stop_process, write_samples

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("panel-on-demand-site")
    samples = write_samples(root, 1)
    jenv = jupyter_env(tmp_path_factory.mktemp("panel-on-demand-jupyter"), engine.url)
    return {"root": root, "notebook": notebook_copy(root), "app": notebook_copy(root, APP), "env": jenv, **samples}


@pytest.fixture
def lab(chromium, site) -> Iterator[WebServer]:
    root: Path = site["root"]  # type: ignore[assignment]
    server = start_jupyter("lab", root, site["env"], root.parent / "lab-on-demand.log")  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_process(server.proc)


@pytest.fixture
def voila(chromium, site) -> Iterator[WebServer]:
    root: Path = site["root"]  # type: ignore[assignment]
    server = start_voila(root, site["app"], site["env"], root.parent / "voila-on-demand.log")  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_process(server.proc)


def test_lab_template_then_custom_run(lab: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1360, "height": 1500})
    page.goto(f"{lab.base}/lab/workspaces/ondemand/tree/{site['notebook'].name}?reset&token={lab.token}")  # type: ignore[union-attr]
    wait_for_kernel(page)
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()  # fold the file browser
    panel = run_all_cells(page)

    # Run with: Template -> the templates list replaces the workflow row
    workflow_list = panel.locator(".unb-workflow select")
    expect(workflow_list).to_be_visible()
    panel.locator(".unb-mode button", has_text="Template").click()
    template_list = panel.locator(".unb-template select")
    expect(template_list).to_be_visible(timeout=T)
    expect(workflow_list).to_be_hidden()
    template_list.select_option(value="chunk-and-embed")
    expect(panel).to_contain_text("embed with the local model")
    choose_files(page, panel, [site["alpha"], site["beta"]])  # type: ignore[list-item]
    expect(panel).to_contain_text("Ready to run template 'chunk-and-embed' on 2 files", timeout=T)
    run = button(panel, "Run")
    expect(run).to_be_enabled()
    run.click()
    table = panel.locator("table.unb-table").filter(has_text="job_id")
    expect(table.locator('[data-status="COMPLETED"]').first).to_be_visible(timeout=T)
    expect(panel.locator(".unb-h", has_text="Results of run 1")).to_contain_text("2 files", timeout=T)
    expect(panel).to_contain_text("violet hummingbird", timeout=T)
    expect(panel.locator(".unb-error")).to_have_count(0)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(artifacts / "panel-lab-template.png"))

    # Custom: a bad Max characters is one paragraph in the error area, a good one runs
    panel.locator(".unb-mode button", has_text="Custom").click()
    expect(template_list).to_be_hidden()
    panel.locator(".widget-dropdown", has_text="Chunking").locator("select").select_option(label="by title")
    size = panel.locator(".widget-text", has_text="Max characters").locator("input")
    size.fill("lots")
    size.press("Enter")
    expect(panel.locator(".unb-error")).to_contain_text("Max characters must be a whole number", timeout=T)
    expect(run).to_be_disabled()
    size.fill("300")
    size.press("Enter")
    expect(panel.locator(".unb-error")).to_have_count(0, timeout=T)
    panel.locator(".widget-checkbox", has_text="Embed").locator("input").check()
    expect(panel).to_contain_text("local model wordllama")
    expect(panel).to_contain_text("Ready to run custom partition fast -> chunk_by_title 300 -> embed local again", timeout=T)
    run.click()
    expect(panel.locator(".unb-h", has_text="Results of run 2")).to_be_visible(timeout=T)
    expect(panel.locator(".unb-error")).to_have_count(0)
    panel.screenshot(path=str(artifacts / "panel-lab-custom.png"))

    # the choice lives in the kernel: a reload of the page draws the same mode and values
    page.keyboard.press("Control+s")
    # reload only once the save is done (under load it can take seconds; a reload before it reads the old file)
    expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0, timeout=T)
    page.reload()
    wait_for_kernel(page)
    panel = page.locator(".jp-OutputArea-output .unb-panel").first
    expect(panel).to_be_visible(timeout=T)
    expect(panel.locator(".unb-mode button.mod-active")).to_have_text("Custom", timeout=T)
    expect(panel.locator(".widget-text", has_text="Max characters").locator("input")).to_have_value("300")
    expect(panel.locator(".unb-template select")).to_be_hidden()
    expect(panel.locator(".unb-h", has_text="Results of run 2")).to_be_visible()


def test_voila_visitor_runs_a_template(voila: WebServer, site, page, artifacts: Path):
    """notebooks/03_class_app.ipynb served by Voila: a visitor picks a template, uploads, runs; no code hints anywhere."""
    expect = _expect()
    page.goto(f"{voila.base}/?token={voila.token}")
    panel = page.locator(".unb-panel").first
    expect(panel).to_be_visible(timeout=T)
    panel.locator(".unb-mode button", has_text="Template").click()
    panel.locator(".unb-template select").select_option(value="partition-and-chunk")
    choose_files(page, panel, [site["beta"]])  # type: ignore[list-item]
    run = button(panel, "Run")
    expect(run).to_be_enabled(timeout=T)
    run.click()
    expect(panel.locator("table.unb-table").filter(has_text="job_id").locator('[data-status="COMPLETED"]').first).to_be_visible(
        timeout=T
    )
    expect(panel).to_contain_text("violet hummingbird", timeout=T)
    expect(panel).not_to_contain_text(".elements()")
    expect(page.get_by_text(re.compile("kernel's disk|runs\\[|%unstructured"))).to_have_count(0)
    expect(panel.locator(".unb-error")).to_have_count(0)
    panel.screenshot(path=str(artifacts / "panel-voila-template.png"))
