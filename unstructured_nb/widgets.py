"""The ipywidgets panel: pick a workflow, choose files, Run, watch, Cancel, preview results.

``unstructured_nb.panel()`` (and ``%unstructured_run`` with no arguments) returns a
:class:`Panel`. It holds no polling logic: each run is a ``tracking.Run`` and the panel
subscribes to ``run.on_change``, re-rendering its table into an ``HTML`` widget's value.
Widget state (not display handles) carries every live update, because that is what
JupyterLab, Notebook 7 *and* Voila all apply after the page has loaded.

Where widgets cannot render (a terminal, an exported notebook), the panel's
``_repr_mimebundle_`` also carries an HTML snapshot and a plain-text snapshot.
"""

from __future__ import annotations

import glob
import os
import shlex
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from . import _panel_html as ph
from ._panel_html import FileEntry
from .display import error_paragraph  # the magic's one paragraph: never a traceback, never the key
from .filetypes import PLATFORM_EXTENSIONS

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .models import Workflow
    from .tracking import Run

__all__ = ["SUPPORTED_EXTENSIONS", "Panel", "expand_paths", "panel"]

SUPPORTED_EXTENSIONS = PLATFORM_EXTENSIONS  # what the upload button offers

_LABEL_WIDTH = "76px"
_STARTING = "STARTING"


def expand_paths(text: str, cwd: str | None = None) -> tuple[list[FileEntry], list[str]]:
    """Expand the path field: paths, globs (``**`` too) and folders (their files).

    Several entries are separated by spaces; quote a path that contains spaces.
    Returns the files found (deduplicated, in order) and one readable problem per entry
    that names no readable file. Relative paths start at ``cwd`` (default: the
    kernel's working directory).
    """
    cwd = cwd or os.getcwd()
    try:
        tokens = shlex.split(text)
    except ValueError:  # an unbalanced quote: take the text as one path
        tokens = [text.strip()] if text.strip() else []
    entries: list[FileEntry] = []
    problems: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        seen.add(real)
        try:
            size: int | None = os.path.getsize(path)
        except OSError:
            size = None
        # sent by absolute path; shown relative to the working directory when inside it
        shown = os.path.relpath(path, cwd) if os.path.abspath(path).startswith(os.path.join(cwd, "")) else path
        entries.append(FileEntry(name=os.path.basename(path), size=size, source="kernel", path=path, shown=shown))

    def folder_files(folder: str) -> list[str]:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        return [os.path.join(folder, n) for n in names if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))]

    for token in tokens:
        path = os.path.expanduser(token)
        full = path if os.path.isabs(path) else os.path.join(cwd, path)
        if glob.has_magic(path):
            matches = sorted(glob.glob(full, recursive=True))
            files: list[str] = []
            for m in matches:
                files.extend(folder_files(m) if os.path.isdir(m) else [m] if os.path.isfile(m) else [])
            if not files:
                problems.append(f"No file matches {token!r} (relative paths start at {cwd}).")
            for f in files:
                add(f)
        elif os.path.isdir(full):
            files = folder_files(full)
            if not files:
                problems.append(f"The folder {token!r} has no files.")
            for f in files:
                add(f)
        elif os.path.isfile(full):
            if not os.access(full, os.R_OK):
                problems.append(f"{token!r} cannot be read (permission denied).")
            else:
                add(full)
        else:
            problems.append(f"{token!r} does not exist (relative paths start at {cwd}).")
    return entries, problems


def _short(job_id: str) -> str:
    return job_id[:8] if job_id else "?"


class Panel(widgets.VBox):
    """A point-and-click front-end to run workflows from a notebook (or a Voila page).

    Parts (all public, so a notebook can pre-fill or drive them): ``workflow`` (Dropdown
    described "Workflow"), ``refresh_button``, ``workflow_id`` (a free-typed id or name),
    ``upload`` (FileUpload), ``paths`` (kernel-side paths and globs), ``files_view``,
    ``run_button`` ("Run"), ``cancel_button`` ("Cancel"), ``status_line``, ``error_area``,
    ``table`` (the live status table) and ``preview`` (the latest results).

    ``panel.runs`` lists the :class:`~unstructured_nb.tracking.Run` of every job started
    from this panel, oldest first; ``panel.runs[-1]`` is the latest.
    """

    def __init__(
        self,
        workflow: str | None = None,
        files: str | Sequence[str] | None = None,
        *,
        client: Client | None = None,
        api_url: str | None = None,
        api_key: str | None = None,
        size_limit_mb: float = 10.0,
        preview_rows: int = 10,
        poll: float | None = None,
    ) -> None:
        self.runs: list[Run] = []
        self.workflows: list[Workflow] = []
        self.size_limit_bytes = int(size_limit_mb * 1_000_000)
        self.preview_rows = preview_rows
        self._poll = poll
        self._client = client
        self._api_url = api_url
        self.__api_key = api_key  # only ever handed to Client(); never shown
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._starting = False
        self._pending_previews = 0
        self._previewed: set[str] = set()
        self._settled: set[str] = set()  # job ids whose final state this panel has rendered
        self._unsubscribe: list[Callable[[], None]] = []
        self._error_source: str | None = None
        self._kernel_files: list[FileEntry] = []
        self._path_problems: list[str] = []

        desc = {"description_width": _LABEL_WIDTH}
        self.title = widgets.HTML()
        self.workflow = widgets.Dropdown(
            description="Workflow", options=[], value=None, style=desc, layout=widgets.Layout(width="360px")
        )
        self.refresh_button = widgets.Button(
            description="", icon="refresh", tooltip="Reload the workflows list", layout=widgets.Layout(width="40px")
        )
        self.workflow_id = widgets.Text(
            placeholder="…or type a workflow id or name", continuous_update=True, layout=widgets.Layout(width="280px")
        )
        self.workflow_info = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=",".join(SUPPORTED_EXTENSIONS),
            multiple=True,
            description="Upload",
            layout=widgets.Layout(width="auto"),
            # Jupyter drops browser messages above 10 MiB, and an upload is one message
            tooltip="Choose files on your computer (about 10 MB in all at most; type paths on the kernel's disk for bigger ones)",
        )
        self.paths = widgets.Text(
            placeholder="…or paths on the kernel's disk: data/*.pdf reports/",
            continuous_update=False,
            layout=widgets.Layout(flex="1 1 auto", width="auto", max_width="520px"),
        )
        self.clear_button = widgets.Button(
            description="", icon="times", tooltip="Clear the chosen files", layout=widgets.Layout(width="40px")
        )
        self.files_view = widgets.HTML()
        self.run_button = widgets.Button(
            description="Run",
            icon="play",
            button_style="primary",
            disabled=True,
            tooltip="Start a job of the chosen workflow on the chosen files",
        )
        self.cancel_button = widgets.Button(
            description="Cancel",
            icon="stop",
            button_style="danger",
            disabled=True,
            tooltip="Stop the running job(s) started from this panel",
        )
        self.run_button.add_class("unb-main-button")
        self.cancel_button.add_class("unb-main-button")
        self.status_line = widgets.HTML(layout=widgets.Layout(margin="0 0 0 8px"))
        self.error_area = widgets.HTML(layout=widgets.Layout(display="none"))
        # the tables may be wider than the page: they scroll rather than squeeze the layout
        wide = dict(flex="1 1 auto", min_width="0", overflow="auto")
        self.table = widgets.HTML(layout=widgets.Layout(**wide))
        self.preview = widgets.HTML(layout=widgets.Layout(**wide))

        def fixed() -> widgets.Layout:
            return widgets.Layout(width=_LABEL_WIDTH, min_width=_LABEL_WIDTH, flex="0 0 auto", margin="0 4px 0 4px")

        def label(text: str) -> widgets.HTML:
            html_label = widgets.HTML(text, layout=fixed())
            html_label.add_class("unb-label")
            return html_label

        def row(*children: widgets.Widget, **layout: Any) -> widgets.HBox:
            box = widgets.HBox(list(children), layout=widgets.Layout(**layout))
            box.add_class("unb-row")
            return box

        def spacer() -> widgets.HTML:
            return widgets.HTML(layout=fixed())

        body = [
            self.title,
            # these two rows wrap on narrow pages instead of overflowing
            row(self.workflow, self.refresh_button, self.workflow_id, self.workflow_info, flex_flow="row wrap"),
            row(label("Files"), self.upload, self.paths, self.clear_button, flex_flow="row wrap"),
            row(spacer(), self.files_view),
            row(spacer(), self.run_button, self.cancel_button, self.status_line, margin="6px 0 0 0"),
            row(spacer(), self.error_area),
            row(spacer(), self.table),
            row(spacer(), self.preview),
        ]
        super().__init__(body)
        self.add_class("unb-panel")

        self.workflow.observe(self._on_inputs_changed, names="value")
        self.workflow_id.observe(self._on_inputs_changed, names="value")
        self.upload.observe(self._on_inputs_changed, names="value")
        self.paths.observe(self._on_paths_changed, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh_workflows())
        self.clear_button.on_click(lambda _b: self.clear_files())
        self.run_button.on_click(lambda _b: self._start_in_background())
        self.cancel_button.on_click(lambda _b: self.cancel())

        self.refresh_workflows()
        if workflow:
            self.select_workflow(workflow)
        if files:
            self.paths.value = files if isinstance(files, str) else shlex.join(str(f) for f in files)
        self._render()

    # --- client and workflows ------------------------------------------------------------

    def _get_client(self) -> Client:
        if self._client is None:
            from .tracking import get_client  # shared with the magic: one connection pool per URL and key

            self._client = get_client(self._api_url, self.__api_key)
        return self._client

    def refresh_workflows(self) -> list[Workflow]:
        """Reload the workflows list (keeps the current choice when it still exists)."""
        try:
            # by name, so the list reads well and is the same on every refresh
            workflows = sorted(self._get_client().list_workflows(), key=lambda w: (w.name.lower(), w.id))
        except Exception as exc:  # shown in the error area; the panel stays usable
            self.show_error(exc, source="workflows")
            self._render()
            return self.workflows
        self.workflows = workflows
        counts: dict[str, int] = {}
        for wf in workflows:
            counts[wf.name] = counts.get(wf.name, 0) + 1
        options = [
            (wf.name if counts[wf.name] == 1 and wf.name else f"{wf.name or '(unnamed)'} · {_short(wf.id)}", wf.id)
            for wf in workflows
        ]
        current = self.workflow.value
        with self.workflow.hold_trait_notifications():
            self.workflow.options = options
            self.workflow.value = current if current in {wf.id for wf in workflows} else None
        if self._error_source == "workflows":
            self.clear_error()
        self._render()
        return workflows

    def select_workflow(self, name_or_id: str) -> None:
        """Choose a workflow by exact name or id; anything else goes to the free-typed field."""
        for wf in self.workflows:
            if name_or_id in (wf.id, wf.name):
                self.workflow.value = wf.id
                self.workflow_id.value = ""
                return
        self.workflow_id.value = name_or_id

    def chosen_workflow(self) -> str | None:
        """The workflow a click on Run would use: the typed id/name first, else the picker's id."""
        typed = self.workflow_id.value.strip()
        return typed or self.workflow.value or None

    # --- files ---------------------------------------------------------------------------

    def _upload_entries(self) -> list[FileEntry]:
        out = []
        for item in self.upload.value or ():
            size = item.get("size")
            if size is None and item.get("content") is not None:
                size = len(item["content"])
            out.append(FileEntry(name=str(item.get("name", "upload")), size=size, source="upload"))
        return out

    def chosen_files(self) -> list[FileEntry]:
        """Every file a click on Run would send: uploads first, then kernel-side files."""
        return self._upload_entries() + list(self._kernel_files)

    def clear_files(self) -> None:
        """Forget the uploaded files and empty the path field."""
        self.upload.value = ()
        self.paths.value = ""
        self._on_paths_changed(None)

    def _on_paths_changed(self, _change: Any) -> None:
        self._kernel_files, self._path_problems = expand_paths(self.paths.value)
        self._render()

    def _on_inputs_changed(self, _change: Any) -> None:
        if self._error_source == "input":
            self.clear_error()
        self._render()

    def _payload(self) -> list[Any]:
        files: list[Any] = []
        for item in self.upload.value or ():
            # (name, bytes) pairs: the client streams them as multipart parts
            files.append((str(item.get("name", "upload")), bytes(item["content"])))
        files.extend(e.path for e in self._kernel_files)
        return files

    # --- run and cancel --------------------------------------------------------------------

    def run(self) -> Run:
        """Start a job with the chosen workflow and files (what clicking Run does) and return its Run.

        Errors are shown in the panel's error area and raised.
        """
        from . import tracking

        with self._lock:
            workflow = self.chosen_workflow()
            # re-expand: files may have appeared or gone since the path was typed
            self._kernel_files, self._path_problems = expand_paths(self.paths.value)
            files = self._payload()
        try:
            if not workflow:
                raise _input_error("Choose a workflow first: pick one in the Workflow list or type its id.")
            if self._path_problems:
                raise _input_error("Fix the path field first: " + " ".join(self._path_problems))
            if not files:
                raise _input_error("Choose at least one file: upload files, or type a path on the kernel's disk.")
            kwargs: dict[str, Any] = {"client": self._get_client()}
            if self._poll is not None:
                kwargs["poll"] = self._poll
            run = tracking.start_run(workflow, files, **kwargs)
        except Exception as exc:
            source = "input" if getattr(exc, "_unb_input", False) else "run"
            self.show_error(exc, source=source)
            raise
        if self._error_source in ("run", "input", "cancel"):
            self.clear_error()
        with self._lock:
            self.runs.append(run)
        self._unsubscribe.append(run.on_change(self._on_run_change))
        self._on_run_change(run)
        return run

    def _start_in_background(self) -> None:
        """Run's click handler: upload and start in a thread so the page stays responsive."""
        with self._lock:
            if self._starting:
                return
            self._starting = True
            self.run_button.disabled = True
        self._render()

        def start() -> None:
            try:
                self.run()
            except Exception:
                pass  # already shown in the error area
            finally:
                with self._lock:
                    self._starting = False
                    self._changed.notify_all()
                self._render()

        threading.Thread(target=start, name="unstructured-nb-panel-start", daemon=True).start()

    def cancel(self) -> list[Run]:
        """Ask the server to stop every running job started from this panel (what Cancel does)."""
        with self._lock:
            running = [r for r in self.runs if not r.done]
        cancelled = []
        for run in running:
            try:
                run.cancel()
            except Exception as exc:
                self.show_error(exc, source="cancel")
            else:
                cancelled.append(run)
        if cancelled:
            noun = "job" if len(cancelled) == 1 else "jobs"
            self.status_line.value = ph.notice_html(
                f"Cancel requested for {noun} {', '.join(_short(r.job_id) for r in cancelled)}; waiting for the server…"
            )
        return cancelled

    def wait(self, timeout: float | None = None) -> Run | None:
        """Block until the latest start has finished, its job has ended and its preview is shown.

        Returns the latest Run (None if no job was started). For scripts, tests and
        notebooks that drive the panel from code; ``timeout`` is in seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                # settled: the job ended, the tracker delivered its final state and the
                # panel rendered it (run.finished alone is set just before that callback)
                busy = self._starting or self._pending_previews > 0 or any(r.job_id not in self._settled for r in self.runs)
                if not busy:
                    return self.runs[-1] if self.runs else None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    from .tracking import WaitTimeoutError

                    raise WaitTimeoutError(
                        f"Stopped waiting for the panel's job after {timeout:g} s; it is still running",
                        hint="Wait longer with panel.wait(), or stop it with panel.cancel() (the Cancel button)",
                    )
                self._changed.wait(0.2 if remaining is None else min(0.2, remaining))

    # --- live updates ------------------------------------------------------------------------

    def _on_run_change(self, run: Run) -> None:
        """Called by the tracker's thread after every change of a run (and at its end)."""
        # Read "finished" once, first: if it were read after the slow render, a call racing
        # with the tracker's final one could mark the run settled without scheduling its
        # preview, and wait() would return before the preview exists.
        finished = getattr(run, "finished", run.done)
        error = getattr(run, "last_error", None)
        if error is not None:
            self.show_error(error, source="poll")
        elif self._error_source == "poll":
            self.clear_error()
        if (finished or run.done) and str(run.status) == "COMPLETED":
            self._schedule_preview(run)
        self._render()
        with self._changed:
            if finished:
                self._settled.add(run.job_id)
            self._changed.notify_all()

    def _schedule_preview(self, run: Run) -> None:
        with self._lock:
            if run.job_id in self._previewed:
                return
            self._previewed.add(run.job_id)
            self._pending_previews += 1

        def load() -> None:
            try:
                self._render_preview(run)
            except Exception as exc:
                # the job itself went fine (e.g. its outputs went to a remote destination and
                # cannot be downloaded): a note where the preview would be, not an error
                self.preview.value = (
                    f'<div class="unb-h">No preview for job {ph.esc(_short(run.job_id))}</div>'
                    f'<div class="unb-muted">{ph.esc(error_paragraph(exc))}</div>'
                )
            finally:
                with self._changed:
                    self._pending_previews -= 1
                    self._changed.notify_all()

        # downloads outputs: never on the tracker's thread, which serves every run
        threading.Thread(target=load, name="unstructured-nb-panel-preview", daemon=True).start()

    def _render_preview(self, run: Run) -> None:
        elements = run.elements()
        with self._lock:
            index = self.runs.index(run) if run in self.runs else len(self.runs) - 1
            latest_completed = max((i for i, r in enumerate(self.runs) if r.done and str(r.status) == "COMPLETED"), default=index)
        if index < latest_completed:
            return  # a newer result is already shown
        head = elements.head(self.preview_rows)
        columns = [c for c in ("filename", "type", "text", "page_number") if c in head.columns]
        # a column with nothing to show (page_number of a text file) only adds noise
        columns = [c for c in columns if c != "page_number" or head[c].notna().any()]
        head = head[columns] if columns else head
        n_files = elements["filename"].nunique() if "filename" in elements.columns else len(run.files or ())
        shown = min(len(elements), self.preview_rows)
        title = (
            f"Results of run {index + 1} (job {_short(run.job_id)}): {len(elements)} elements from {n_files} "
            f"file{'s' if n_files != 1 else ''}"
        )
        hint = f"First {shown} shown. All of them: panel.runs[{index}].elements() (or panel.runs[-1] for the latest run)."
        body = ph.frame_html(head, max_chars=100) if len(elements) else '<span class="unb-muted">No elements.</span>'
        self.preview.value = f'<div class="unb-h">{ph.esc(title)}</div>{body}<div class="unb-muted">{ph.esc(hint)}</div>'

    def show_error(self, exc: BaseException | str, *, source: str = "panel") -> None:
        """Show one paragraph in the error area (an exception is turned into the magic's paragraph)."""
        paragraph = exc if isinstance(exc, str) else error_paragraph(exc)
        with self._lock:
            self._error_source = source
            self.error_area.value = ph.error_html(paragraph)
            self.error_area.layout.display = None

    def clear_error(self) -> None:
        with self._lock:
            self._error_source = None
            self.error_area.value = ""
            self.error_area.layout.display = "none"

    @property
    def error(self) -> str:
        """The paragraph shown in the error area ('' when there is none)."""
        import html as _html
        import re

        text = re.sub(r"<[^>]+>", "", self.error_area.value)
        return _html.unescape(text).removeprefix("Error. ").strip()

    # --- rendering -------------------------------------------------------------------------

    def _api_label(self) -> str:
        client = self._client
        if client is None:
            return "not connected"
        url = getattr(client, "api_url", "") or ""
        return f"local engine at {url}" if getattr(client, "is_local", False) else url

    def _status_text(self) -> str:
        with self._lock:
            running = [r for r in self.runs if not r.done]
            if self._starting:
                n = len(self.chosen_files())
                return f"Starting: sending {n} file{'s' if n != 1 else ''}…"
            if running:
                r = running[-1]
                return f"Job {_short(r.job_id)} is {r.status}… (Cancel stops it)"
            workflow = self.chosen_workflow()
            files = self.chosen_files()
            last = ""
            if self.runs:
                r = self.runs[-1]
                took = r.elapsed_seconds() if hasattr(r, "elapsed_seconds") else None
                last = f"Run {len(self.runs)} {r.status}" + (f" in {took:.1f} s" if took is not None else "") + ". "
            if self._path_problems:
                return last + "Fix the path field (see above)."
            if not workflow and not files:
                return last + "Choose a workflow and at least one file."
            if not workflow:
                return last + "Choose a workflow."
            if not files:
                return last + "Add at least one file."
            total = ph.format_size(sum(f.size or 0 for f in files))
            name = self._workflow_name(workflow)
            again = " again" if last else ""
            return last + f"Ready to run {name}{again} on {len(files)} file{'s' if len(files) != 1 else ''} ({total})."

    def _workflow_name(self, ref: str) -> str:
        for wf in self.workflows:
            if ref == wf.id:
                return repr(wf.name) if wf.name else ref
        return repr(ref)

    def _runs_html(self) -> str:
        if not self.runs:
            return ""
        from .tables import status_frame

        parts = ['<div class="unb-h">Runs from this panel</div>', ph.frame_html(status_frame(self.runs))]
        for i, run in enumerate(self.runs):
            label = f"run {i + 1} (job {_short(run.job_id)})"
            if not run.done:
                parts.append(ph.progress_html(label, run.details))
            parts.append(ph.failed_html(label, run.failed_files or ()))
            message = run.details.message if run.done and run.details is not None else None
            if message:  # e.g. a strategy the server emulated
                parts.append(f'<div class="unb-muted"><b>{ph.esc(label)}:</b> {ph.esc(message)}</div>')
        return "".join(parts)

    def _render(self) -> None:
        """Recompute every widget value from the panel's state (any thread)."""
        with self._lock:
            self.title.value = (
                ph.PANEL_CSS
                + '<div class="unb-title"><b>Unstructured</b> · run a workflow'
                + f'<span class="unb-sub">{ph.esc(self._api_label())}</span></div>'
            )
            selected = self.workflow.value
            typed = self.workflow_id.value.strip()
            if typed:
                known = {wf.id: wf for wf in self.workflows}
                info = "" if typed in known else "typed id or name: checked when you click Run"
            elif selected:
                info = f"id {selected}"
            else:
                info = f"{len(self.workflows)} workflows" if self.workflows else ""
            self.workflow_info.value = ph.notice_html(info, muted=True)
            self.files_view.value = ph.files_html(self.chosen_files(), self._path_problems, self.size_limit_bytes)
            can_run = bool(self.chosen_workflow()) and bool(self.chosen_files()) and not self._path_problems
            self.run_button.disabled = self._starting or not can_run
            self.cancel_button.disabled = not any(not r.done for r in self.runs)
            self.status_line.value = ph.notice_html(self._status_text())
            try:
                self.table.value = self._runs_html()
            except Exception as exc:  # a rendering bug must not kill the tracker's callback
                self.show_error(exc, source="render")

    # --- fallbacks where widgets cannot render ---------------------------------------------

    def _snapshot_parts(self) -> dict[str, Any]:
        wf = self.chosen_workflow()
        known = {w.id for w in self.workflows}
        if wf and wf not in known:  # typed by hand: resolved by name or id on Run
            return {"workflow": "typed; resolved on Run", "name": repr(wf)}
        return {"workflow": f"id {wf}" if wf else None, "name": self._workflow_name(wf) if wf else None}

    def to_html(self) -> str:
        """A static HTML snapshot of the panel (for exported notebooks and HTML-only front-ends)."""
        with self._lock:
            snap = self._snapshot_parts()
            wf_line = (
                f'<b>Workflow:</b> {ph.esc(snap["name"])} <span class="unb-muted">({ph.esc(snap["workflow"])})</span>'
                if snap["workflow"]
                else '<b>Workflow:</b> <span class="unb-muted">none chosen'
                + (
                    f" ({len(self.workflows)} available: {ph.esc(', '.join(w.name for w in self.workflows))})"
                    if self.workflows
                    else ""
                )
                + "</span>"
            )
            parts = [
                '<div class="unb-panel">',
                self.title.value,
                f'<div class="unb-section">{wf_line}</div>',
                f'<div class="unb-section"><b>Files:</b> {self.files_view.value}</div>',
                f'<div class="unb-section">{self.error_area.value}</div>',
                f'<div class="unb-section">{self.table.value}</div>',
                f'<div class="unb-section">{self.preview.value}</div>',
                '<div class="unb-section unb-muted">A snapshot: the interactive panel needs a live kernel '
                "with ipywidgets (JupyterLab, Notebook 7 or Voila).</div></div>",
            ]
        return "".join(parts)

    def to_text(self) -> str:
        """A plain-text snapshot of the panel (terminals, text-only exports)."""
        with self._lock:
            snap = self._snapshot_parts()
            lines = [f"Unstructured panel ({self._api_label()})"]
            if snap["workflow"]:
                lines.append(f"Workflow: {snap['name']} ({snap['workflow']})")
            else:
                avail = ", ".join(w.name for w in self.workflows)
                lines.append("Workflow: none chosen" + (f" (available: {avail})" if avail else ""))
            lines.append("Files:")
            lines.append(ph.files_text(self.chosen_files(), self._path_problems, self.size_limit_bytes))
            if self.error:
                lines.append(f"Error: {self.error}")
            if self.runs:
                from .tables import status_frame

                lines.append("Runs:")
                lines.append(ph.frame_text(status_frame(self.runs)))
                for i, run in enumerate(self.runs):
                    if not run.done and run.details is not None:
                        lines.append(ph.progress_text(f"run {i + 1} (job {_short(run.job_id)})", run.details))
            else:
                lines.append("Runs: none yet")
            lines.append("(A snapshot: the interactive panel needs a live kernel with ipywidgets.)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget view plus HTML and text snapshots, for front-ends without widgets."""
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.to_text()
        bundle["text/html"] = self.to_html()
        return bundle

    def close(self) -> None:
        """Stop listening to the runs and close the widgets (jobs keep running on the server)."""
        for unsubscribe in self._unsubscribe:
            try:
                unsubscribe()
            except Exception:
                pass
        self._unsubscribe.clear()
        for child in _walk(self):
            if child is not self:
                child.close()
        super().close()


def _walk(box: widgets.Widget) -> Iterable[widgets.Widget]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def _input_error(message: str) -> Exception:
    from .errors import UnstructuredError

    err = UnstructuredError(message)
    err._unb_input = True  # type: ignore[attr-defined]
    return err


def panel(
    workflow: str | None = None,
    files: str | Sequence[str] | None = None,
    *,
    client: Client | None = None,
    api_url: str | None = None,
    api_key: str | None = None,
    size_limit_mb: float = 10.0,
    preview_rows: int = 10,
    poll: float | None = None,
) -> Panel:
    """Build the panel (display it by leaving it as a cell's last value, or with ``display()``).

    ``workflow`` pre-selects a workflow by name or id and ``files`` pre-fills the path
    field (kernel-side paths or globs). With no ``client``, one is made from ``api_url``
    / ``api_key`` or the environment (``UNSTRUCTURED_API_URL`` / ``UNSTRUCTURED_API_KEY``),
    falling back to the local engine. Files above ``size_limit_mb`` get a warning.
    """
    return Panel(
        workflow,
        files,
        client=client,
        api_url=api_url,
        api_key=api_key,
        size_limit_mb=size_limit_mb,
        preview_rows=preview_rows,
        poll=poll,
    )
