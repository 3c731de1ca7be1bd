"""The classroom in a real browser: a 40 MB upload through the panel in JupyterLab, Notebook 7 and Voila (progress
shown, the kernel's memory growing well under the file's size), a Voila visitor who finds no path field (and, with a
root, cannot preview /etc/passwd or a symlink out of it), and a job with failed files that shows the partial state and
re-runs only those. Screenshots at 1024x768 and 1400 px wide go to test-artifacts/."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._browser import T, _expect, button, choose_files, kernel_pids, memory_kb, run_all_cells, wait_for_kernel
from ._servers import APP, WebServer, jupyter_env, notebook_copy, start_jupyter, start_voila, stop_process, write_samples

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIG = 40_000_000  # bytes: four times Jupyter's 10 MiB message limit
# Records every progress line the upload button draws, so a fast upload's progress is still seen.
WATCH_PROGRESS = """() => {
  window.unbProgress = [];
  new MutationObserver(() => {
    for (const note of document.querySelectorAll('.unb-upload-row[data-status="sending"] .unb-upload-note')) {
      window.unbProgress.push(note.textContent);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def big_file(folder: Path) -> Path:
    """A 40 MB text file: two short paragraphs around 40 MB of padding (the upload is what is measured)."""
    path = folder / "big-lecture-notes.txt"
    head = b"Big upload notes\n\nA paragraph about a giant sequoia in the upload test.\n\n"
    tail = b"\n\nThe last paragraph of the big file mentions a tidal basin.\n"
    with path.open("wb") as out:
        out.write(head)
        left = BIG - len(head) - len(tail)
        line = b" " * 999 + b"\n"
        while left > 0:
            out.write(line[: min(left, len(line))])
            left -= len(line)
        out.write(tail)
    assert path.stat().st_size == BIG
    return path


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("classroom-site")
    samples = write_samples(root, 0)
    course = root / "course"
    course.mkdir()
    (course / "reading.md").write_text("# Week one reading\n\nA paragraph about copper bells.\n")
    (course / "escape.txt").symlink_to("/etc/passwd")  # a symlink out of the course folder
    bad = root / "to-upload" / "scanned.pdf"
    bad.write_bytes(b"%PDF-1.7 this is not a PDF at all")
    return {
        "root": root,
        "big": big_file(root / "to-upload"),
        "bad": bad,
        "notebook": notebook_copy(root),
        "app": notebook_copy(root, APP),
        "rooted_app": notebook_copy(root, APP, replace=("unstructured_nb.panel()", 'unstructured_nb.panel(root="course")')),
        "env": jupyter_env(tmp_path_factory.mktemp("classroom-jupyter"), engine.url),
        **samples,
    }


@pytest.fixture
def server(chromium, site, request: pytest.FixtureRequest) -> Iterator[WebServer]:
    """The front end named by the test's parameter: lab, notebook, voila (the app) or voila-root (the app with a root)."""
    kind: str = request.param
    root: Path = site["root"]  # type: ignore[assignment]
    log = root.parent / f"{kind}.log"
    if kind.startswith("voila"):
        app = site["rooted_app"] if kind == "voila-root" else site["app"]
        web = start_voila(root, app, site["env"], log)  # type: ignore[arg-type]
    else:
        web = start_jupyter(kind, root, site["env"], log)  # type: ignore[arg-type]
    try:
        yield web
    finally:
        stop_process(web.proc)


def open_panel(kind: str, web: WebServer, site, page):
    """The panel of the page, ready: the tutorial run in JupyterLab or Notebook 7, the app in Voila."""
    expect = _expect()
    name = site["notebook"].name
    if kind == "lab":
        page.goto(f"{web.base}/lab/workspaces/ci/tree/{name}?reset&token={web.token}")
        wait_for_kernel(page)
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()  # fold the file browser
        return run_all_cells(page)
    if kind == "notebook":
        page.goto(f"{web.base}/notebooks/{name}?token={web.token}")
        wait_for_kernel(page)
        return run_all_cells(page)
    page.goto(f"{web.base}/?token={web.token}")
    panel = page.locator(".unb-panel").first
    expect(panel).to_be_visible(timeout=T)
    return panel


def upload_big_file_and_measure(page, panel, web: WebServer, big: Path, artifacts: Path, kind: str) -> dict[str, float]:
    """Upload the 40 MB file through the panel's button; returns the figures (seconds, the kernel's memory growth)."""
    import time

    expect = _expect()
    (kernel,) = kernel_pids(web.proc.pid)
    peak_before, rss_before = memory_kb(kernel), memory_kb(kernel, "VmRSS")
    page.evaluate(WATCH_PROGRESS)
    started = time.monotonic()
    with page.expect_file_chooser() as chooser:
        panel.locator(".unb-upload-button").click()
    chooser.value.set_files(str(big))
    arriving = panel.locator('.unb-upload-row[data-status="sending"]')
    try:  # a picture of the progress bar for the report; the assertion on progress is the observer's record below
        arriving.wait_for(state="visible", timeout=3000)
        panel.screenshot(path=str(artifacts / f"classroom-upload-progress-{kind.replace(' ', '-').lower()}.png"))
    except Exception:
        pass  # the upload was already over: nothing to photograph
    expect(panel.locator(".unb-upload-button")).to_contain_text("(1)", timeout=T)
    took = time.monotonic() - started
    expect(panel).to_contain_text(big.name)
    expect(panel).to_contain_text("40.0 MB")
    peak_after, rss_after = memory_kb(kernel), memory_kb(kernel, "VmRSS")
    seen = page.evaluate("window.unbProgress")
    percents = sorted({int(m) for text in seen for m in re.findall(r"\((\d+)%\)", text)})
    assert [p for p in percents if 0 < p < 100], f"no progress between 0 and 100% was drawn: {seen[:5]}"
    assert any("of 40.0 MB" in text for text in seen)
    growth_mb = (peak_after - peak_before) / 1000
    figures = {
        "seconds": round(took, 1),
        "peak_growth_mb": round(growth_mb, 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1000, 1),
        "progress_steps": len(percents),
    }
    line = f"{kind}: 40 MB upload in {figures['seconds']} s, kernel peak memory +{figures['peak_growth_mb']} MB, "
    line += f"resident +{figures['rss_growth_mb']} MB, {len(percents)} distinct progress steps drawn\n"
    with (artifacts / "upload-figures.txt").open("a") as out:
        out.write(line)
    print(line)
    assert growth_mb < 0.25 * BIG / 1e6, line  # well under the file's size: the file never sits in the kernel's memory
    return figures


def stored_input_digest(engine, size: int) -> set[str]:
    """Digests of the engine's stored inputs of ``size`` bytes (what the server received)."""
    return {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path(engine.data_dir).glob("jobs/*/inputs/*")
        if p.is_file() and p.stat().st_size == size
    }


@pytest.mark.parametrize("server", ["lab"], indirect=True)
def test_lab_40mb_upload_then_a_partial_failure_and_its_retry(server: WebServer, site, page, engine, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1400, "height": 1400})
    panel = open_panel("lab", server, site, page)
    panel.locator(".unb-workflow select").select_option(label="partition")
    upload_big_file_and_measure(page, panel, server, site["big"], artifacts, "JupyterLab")
    button(panel, "Run").click()
    table = panel.locator("table.unb-table").filter(has_text="job_id")
    expect(table.locator("tbody tr").last.locator('[data-status="COMPLETED"]')).to_be_visible(timeout=T)
    expect(panel).to_contain_text("giant sequoia", timeout=T)  # the big file's elements, previewed
    digest = hashlib.sha256(site["big"].read_bytes()).hexdigest()
    assert digest in stored_input_digest(engine, BIG)  # the server got the file, byte for byte

    # a job where one of two files fails: the amber partial state, the failed file with its error, and a retry
    panel.get_by_title("Clear the chosen files").click()
    choose_files(page, panel, [site["alpha"], site["bad"]])
    button(panel, "Run").click()
    partial = table.locator("tbody tr").last.locator('[data-status="PARTIAL"]')
    expect(partial).to_have_text("COMPLETED, 1 of 2 files failed", timeout=T)
    expect(panel.get_by_text(re.compile(r"Failed files of job \w{8}"))).to_be_visible()
    expect(panel.locator("table.unb-table").filter(has_text="scanned.pdf").first).to_be_visible()
    retry = button(panel, "Retry failed files")
    expect(retry).to_be_enabled(timeout=T)
    panel.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1400, "height": 1000})
    panel.screenshot(path=str(artifacts / "classroom-lab-partial-1400.png"))
    retry.click()
    expect(table.locator("tbody tr")).to_have_count(3, timeout=T)
    last = table.locator("tbody tr").last
    expect(last.locator('[data-status="FAILED"]')).to_be_visible(timeout=T)
    expect(last).to_contain_text("scanned.pdf")
    expect(last).not_to_contain_text("alpha notes.md")  # only the failed file was sent again

    page.set_viewport_size({"width": 1024, "height": 768})  # a projector
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "classroom-lab-1024x768.png"))
    box = table.bounding_box()
    assert box is not None
    header = [c.strip() for c in table.locator("thead th").all_inner_texts()]
    assert header == ["job_id", "workflow", "status", "created", "elapsed", "input files", "outputs", "last polled"]
    last_polled = table.locator("thead th").last.bounding_box()
    assert last_polled is not None and last_polled["x"] + last_polled["width"] <= 1024, "the last column is cut off"
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.screenshot(path=str(artifacts / "classroom-lab-1400.png"))


@pytest.mark.parametrize("server", ["notebook"], indirect=True)
def test_notebook7_40mb_upload(server: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1400, "height": 1200})
    panel = open_panel("notebook", server, site, page)
    expect(page.locator("#jp-NotebookLogo")).to_be_visible()
    panel.locator(".unb-workflow select").select_option(label="partition")
    upload_big_file_and_measure(page, panel, server, site["big"], artifacts, "Notebook 7")
    button(panel, "Run").click()
    expect(panel).to_contain_text("giant sequoia", timeout=T)
    panel.screenshot(path=str(artifacts / "classroom-notebook7.png"))


@pytest.mark.parametrize("server", ["voila"], indirect=True)
def test_voila_app_has_no_path_field_and_takes_a_40mb_upload(server: WebServer, site, page, artifacts: Path):
    expect = _expect()
    page.set_viewport_size({"width": 1024, "height": 768})
    panel = open_panel("voila", server, site, page)
    inputs = panel.locator("input[type=text]:visible")  # Custom's Max characters is hidden until chosen
    expect(inputs).to_have_count(1)  # only the workflow id or name: no field for the server's paths
    expect(inputs).to_have_attribute("placeholder", "…or type a workflow id or name")
    expect(page.get_by_text(re.compile("kernel's disk|data in |runs\\[|%unstructured"))).to_have_count(0)
    page.screenshot(path=str(artifacts / "classroom-voila-1024x768.png"))
    panel.locator(".unb-workflow select").select_option(label="partition")
    upload_big_file_and_measure(page, panel, server, site["big"], artifacts, "Voila")
    button(panel, "Run").click()
    expect(panel).to_contain_text("giant sequoia", timeout=T)
    expect(panel).not_to_contain_text(".elements()")  # no code hints where no code can run
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.screenshot(path=str(artifacts / "classroom-voila-1400.png"), full_page=True)


@pytest.mark.parametrize("server", ["voila-root"], indirect=True)
def test_voila_app_with_a_root_cannot_preview_etc_passwd_or_a_symlink_out(server: WebServer, site, page, artifacts: Path):
    expect = _expect()
    panel = open_panel("voila-root", server, site, page)
    paths = panel.locator("input[type=text]").last
    expect(paths).to_have_attribute("placeholder", re.compile("course folder"))
    run = button(panel, "Run")
    panel.locator(".unb-workflow select").select_option(label="partition")
    for typed in ("/etc/passwd", "escape.txt", "../course/escape.txt", "/etc/*"):
        paths.fill(typed)
        paths.press("Enter")
        expect(panel.get_by_text("outside the folder files may come from")).to_be_visible(timeout=T)
        expect(run).to_be_disabled()
    expect(page.get_by_text(re.compile("root:x:0|/bin/(ba)?sh"))).to_have_count(0)  # nothing of the file shows
    paths.fill("*")
    paths.press("Enter")
    expect(panel).to_contain_text("reading.md", timeout=T)
    expect(panel).not_to_contain_text("escape.txt")
    run.click()
    expect(panel).to_contain_text("copper bells", timeout=T)
    expect(page.get_by_text(re.compile("root:x:0"))).to_have_count(0)
    panel.screenshot(path=str(artifacts / "classroom-voila-root.png"))


def test_a_live_tables_quiet_note_is_hidden_while_redrawn_and_shown_without_its_style(page, tmp_path: Path):
    """The note of a running table (notebook/live.py) in Chromium: hidden by its style, shown where the style is gone."""
    from tests.fake_api import FakeAPI
    from unstructured_nb.models import Job
    from unstructured_nb.notebook.live import RunsView
    from unstructured_nb.runs import Run

    expect = _expect()
    fake = FakeAPI()
    job = fake.add_job(fake.add_workflow("partition"), ["a.txt"], status="IN_PROGRESS")
    with fake.client() as client:
        html = RunsView([Run(Job.from_api(job), client, files=["a.txt"])])._repr_mimebundle_()["text/html"]
    live = tmp_path / "live.html"
    live.write_text(f"<!doctype html><meta charset=utf-8><body>{html}</body>")
    page.goto(live.as_uri())
    note = page.locator(".unb-quiet")
    expect(note).to_be_attached()
    expect(note).to_be_hidden()  # a fresh redraw: the note waits
    stripped = tmp_path / "reopened.html"  # a viewer that strips <style>, as a reopened notebook may
    stripped.write_text(f"<!doctype html><meta charset=utf-8><body>{re.sub(r'<style>.*?</style>', '', html)}</body>")
    page.goto(stripped.as_uri())
    expect(page.locator(".unb-quiet")).to_be_visible()
    expect(page.locator(".unb-quiet")).to_contain_text("not updating")
