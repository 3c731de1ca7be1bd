"""The steps the browser tests share: find the kernel ready, run every cell, pick files through the panel's upload
button, and read the kernel's memory from /proc."""

from __future__ import annotations

import os
import re
from pathlib import Path

T = 60_000  # ms, for steps that wait on the kernel or a job


def _expect():
    from playwright.sync_api import expect

    return expect


def button(panel, label: str):
    """A widget button by its exact label."""
    return panel.locator("button.widget-button", has_text=re.compile(rf"^\s*{label}\s*$"))


def choose_upload_and_run(page, panel, files: list[Path]) -> None:
    """The user's flow: choose the workflow, upload files through the file chooser, click Run."""
    expect = _expect()
    panel.locator(".unb-workflow select").select_option(label="partition")
    expect(panel.locator(".unb-workflow-row")).to_contain_text("id ")
    choose_files(page, panel, files)
    for f in files:
        expect(panel).to_contain_text(f.name)
    run = button(panel, "Run")
    expect(run).to_be_enabled()
    run.click()


def wait_for_kernel(page) -> None:
    """JupyterLab and Notebook 7 share these toolbar items. The execution indicator says idle
    before the kernel has started, so the kernel's name comes first."""
    expect = _expect()
    expect(page.locator(".jp-Toolbar-kernelName").first).to_contain_text("Python 3", timeout=T)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_visible(timeout=T)


def run_all_cells(page):
    """Run > Run All Cells (JupyterLab's and Notebook 7's menu bar), then wait until every
    cell has run; returns the panel, untouched so far."""
    expect = _expect()
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()

    panel = page.locator(".jp-OutputArea-output .unb-panel").first
    expect(panel).to_be_attached(timeout=T)
    panel.scroll_into_view_if_needed()
    expect(panel).to_be_visible(timeout=T)
    expect(button(panel, "Run")).to_be_disabled()
    expect(button(panel, "Cancel")).to_be_disabled()
    # the code-driven demo further down the notebook finished, so every cell has run
    expect(page.locator(".jp-OutputArea-output", has_text="COMPLETED: 1 run")).to_be_attached(timeout=T)
    return panel


def choose_files(page, panel, files: list[Path], *, done: int | None = None) -> None:
    """Click the panel's upload button, pick ``files`` in the file chooser, and wait until they have arrived."""
    expect = _expect()
    with page.expect_file_chooser() as chooser:
        panel.locator(".unb-upload-button").click()
    chooser.value.set_files([str(f) for f in files])
    expect(panel.locator(".unb-upload-button")).to_contain_text(f"({done or len(files)})", timeout=T)


def kernel_pids(server_pid: int) -> list[int]:
    """The ipykernel processes a Jupyter or Voila server started (its descendants)."""
    parents: dict[int, int] = {}
    commands: dict[int, list[bytes]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            commands[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
    found = []
    for pid, cmdline in commands.items():
        ancestor = parents.get(pid)
        while ancestor and ancestor != server_pid:
            ancestor = parents.get(ancestor)
        if ancestor == server_pid and any(b"ipykernel" in part for part in cmdline):
            found.append(pid)
    return sorted(found)


def memory_kb(pid: int, field: str = "VmHWM") -> int:
    """A process's peak (VmHWM) or current (VmRSS) resident memory, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(re.findall(r"\d+", line)[0])
    raise AssertionError(f"no {field} for process {pid}")
