"""The ipywidgets panel: pick a workflow, choose files, Run, watch, Cancel, preview the results.

``unstructured_nb.panel()`` (and ``%unstructured_run`` with no arguments) returns a
:class:`Panel`: the layout and its wiring. Its state lives in a :class:`PanelState`
(``panel.state``); each run is a ``runs.Run`` the panel subscribes to. Widget values (not
display handles) carry every live update, because that is what JupyterLab, Notebook 7
*and* Voila all apply after the page has loaded. Where widgets cannot render, the
panel's output bundle also carries an HTML and a plain-text snapshot.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as widgets

from ..client.protocol import ClientProtocol
from ..client.secret import Secret, hidden
from ..errors import UnstructuredError, user_message
from ..filetypes import PLATFORM_EXTENSIONS
from ..models import Workflow
from ..render.style import short_id
from ..runs import Run, shared_client, start_run
from . import panel_view as view
from .panel_results import Results
from .panel_state import PanelState, Preview

__all__ = ["Panel", "panel"]

_LABEL_WIDTH = "76px"


def _row(*children: widgets.Widget, **layout: Any) -> widgets.HBox:
    box = widgets.HBox(list(children), layout=widgets.Layout(**layout))
    box.add_class("unb-row")
    return box


def _fixed() -> widgets.Layout:
    return widgets.Layout(width=_LABEL_WIDTH, min_width=_LABEL_WIDTH, flex="0 0 auto", margin="0 4px 0 4px")


def _label(text: str) -> widgets.HTML:
    label = widgets.HTML(text, layout=_fixed())
    label.add_class("unb-label")
    return label


class Panel(widgets.VBox):
    """A point-and-click front end to run workflows from a notebook (or a Voila page).

    Parts (all public, so a notebook can pre-fill or drive them): ``workflow`` (Dropdown
    described "Workflow"), ``refresh_button``, ``workflow_id`` (a free-typed id or name),
    ``upload`` (FileUpload), ``paths`` (kernel-side paths and globs), ``files_view``,
    ``run_button`` ("Run"), ``cancel_button`` ("Cancel"), ``status_line``, ``error_area``,
    ``table`` (the live status table), ``preview`` (the latest results) and ``results``
    (the preview's tabs: Elements, and View with the page viewer of the run's files).

    ``panel.state`` holds what it shows as plain values; ``panel.runs`` lists the
    :class:`~unstructured_nb.runs.Run` of every job started from it, oldest first.

    ``workflow`` pre-selects a workflow by name or id and ``files`` pre-fills the path field
    (kernel-side paths or globs). With no ``client``, one is made from ``api_url`` /
    ``api_key`` or the environment (``UNSTRUCTURED_API_URL`` / ``UNSTRUCTURED_API_KEY``),
    falling back to the local engine. Files above ``size_limit_mb`` get a warning. Display
    it by leaving it as a cell's last value, or with ``display()``.
    """

    def __init__(
        self,
        workflow: str | None = None,
        files: str | Sequence[str] | None = None,
        *,
        client: ClientProtocol | None = None,
        api_url: str | None = None,
        api_key: str | Secret | None = None,
        size_limit_mb: float = 10.0,
        preview_rows: int = 10,
        poll: float | None = None,
    ) -> None:
        api_key = hidden(api_key)  # first: no frame below holds the key as text
        self.__api_key = api_key
        self.state = PanelState(size_limit_bytes=int(size_limit_mb * 1_000_000), preview_rows=preview_rows)
        self._client = client
        self._api_url = api_url
        self._poll = poll
        self._unsubscribe: list[Callable[[], None]] = []

        desc = {"description_width": _LABEL_WIDTH}
        self.title = widgets.HTML()
        self.workflow = widgets.Dropdown(description="Workflow", options=[], value=None, style=desc, layout={"width": "360px"})
        self.refresh_button = widgets.Button(icon="refresh", tooltip="Reload the workflows list", layout={"width": "40px"})
        self.workflow_id = widgets.Text(placeholder="…or type a workflow id or name", layout={"width": "280px"})
        self.workflow_info = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=",".join(PLATFORM_EXTENSIONS),
            multiple=True,
            description="Upload",
            layout={"width": "auto"},
            # Jupyter drops browser messages above 10 MiB, and an upload is one message
            tooltip="Choose files on your computer (about 10 MB in all at most; type paths on the kernel's disk for bigger ones)",
        )
        self.paths = widgets.Text(
            placeholder="…or paths on the kernel's disk: data/*.pdf reports/",
            continuous_update=False,
            layout={"flex": "1 1 auto", "width": "auto", "max_width": "520px"},
        )
        self.clear_button = widgets.Button(icon="times", tooltip="Clear the chosen files", layout={"width": "40px"})
        self.files_view = widgets.HTML()
        self.run_button = widgets.Button(
            description="Run", icon="play", button_style="primary", disabled=True, tooltip="Start a job of the chosen workflow"
        )
        self.cancel_button = widgets.Button(
            description="Cancel", icon="stop", button_style="danger", disabled=True, tooltip="Stop the running job(s)"
        )
        for button in (self.run_button, self.cancel_button):
            button.add_class("unb-main-button")
        self.status_line = widgets.HTML(layout={"margin": "0 0 0 8px"})
        self.error_area = widgets.HTML(layout={"display": "none"})
        wide = {"flex": "1 1 auto", "min_width": "0", "overflow": "auto"}  # wide tables scroll rather than squeeze
        self.table = widgets.HTML(layout=wide)
        self.preview = widgets.HTML(layout=wide)
        self.results = Results(self.preview)  # the preview, and a "View" tab with the page viewer
        super().__init__(
            [
                self.title,
                _row(self.workflow, self.refresh_button, self.workflow_id, self.workflow_info, flex_flow="row wrap"),
                _row(_label("Files"), self.upload, self.paths, self.clear_button, flex_flow="row wrap"),
                _row(widgets.HTML(layout=_fixed()), self.files_view),
                _row(widgets.HTML(layout=_fixed()), self.run_button, self.cancel_button, self.status_line, margin="6px 0 0 0"),
                _row(widgets.HTML(layout=_fixed()), self.error_area),
                _row(widgets.HTML(layout=_fixed()), self.table),
                _row(widgets.HTML(layout=_fixed()), self.results.tabs),
            ]
        )
        self.add_class("unb-panel")

        self.workflow.observe(self._on_workflow, names="value")
        self.workflow_id.observe(self._on_workflow, names="value")
        self.upload.observe(self._on_upload, names="value")
        self.paths.observe(self._on_paths, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh_workflows())
        self.clear_button.on_click(lambda _b: self.clear_files())
        self.run_button.on_click(lambda _b: self._start_in_background())
        self.cancel_button.on_click(lambda _b: self.cancel())

        self.refresh_workflows()
        if workflow:
            self.select_workflow(workflow)
        if files:
            self.paths.value = files if isinstance(files, str) else shlex.join(str(f) for f in files)
        self.redraw()

    # --- reading the state -------------------------------------------------------------------
    @property
    def runs(self) -> list[Run]:
        """Every run started from this panel, oldest first (``panel.runs[-1]`` is the latest)."""
        return self.state.runs

    @property
    def poll(self) -> float | None:
        """The fixed seconds between status polls of the panel's runs (None: adaptive)."""
        return self._poll

    @property
    def workflows(self) -> list[Workflow]:
        return self.state.workflows

    @property
    def error(self) -> str:
        """The paragraph shown in the error area ('' when there is none)."""
        return self.state.error

    def chosen_workflow(self) -> str | None:
        """The workflow a click on Run would use: the typed id or name first, else the picked id."""
        return self.state.chosen_workflow

    # --- client and workflows ------------------------------------------------------------
    def _get_client(self) -> ClientProtocol:
        if self._client is None:
            self._client = shared_client(self._api_url, self.__api_key)  # one connection pool with the magic
            self.state.api_label = f"local engine at {self._client.api_url}" if self._client.is_local else self._client.api_url
        return self._client

    def refresh_workflows(self) -> list[Workflow]:
        """Reload the workflows list (keeps the current choice when it still exists)."""
        try:
            self.state.set_workflows(self._get_client().list_workflows())
        except Exception as exc:  # shown in the error area; the panel stays usable
            self.state.show_error(exc, source="workflows")
        with self.workflow.hold_trait_notifications():
            self.workflow.options = self.state.workflow_options()
            self.workflow.value = self.state.picked
        self.redraw()
        return self.state.workflows

    def select_workflow(self, name_or_id: str) -> None:
        """Choose a workflow by exact name or id; anything else goes to the free-typed field."""
        for wf in self.state.workflows:
            if name_or_id in (wf.id, wf.name):
                self.workflow.value = wf.id
                self.workflow_id.value = ""
                return
        self.workflow_id.value = name_or_id

    # --- files ---------------------------------------------------------------------------
    def clear_files(self) -> None:
        """Forget the uploaded files and empty the path field."""
        self.upload.value = ()
        self.paths.value = ""
        self._on_paths(None)

    def _on_workflow(self, _change: Any) -> None:
        self.state.picked = self.workflow.value
        self.state.typed = self.workflow_id.value
        self.state.inputs_changed()
        self.redraw()

    def _on_upload(self, _change: Any) -> None:
        self.state.set_uploads(self.upload.value or ())
        self.state.inputs_changed()
        self.redraw()

    def _on_paths(self, _change: Any) -> None:
        self.state.set_paths(self.paths.value)
        self.state.inputs_changed()
        self.redraw()

    # --- run and cancel --------------------------------------------------------------------
    def run(self) -> Run:
        """Start a job with the chosen workflow and files (what clicking Run does) and return its Run.

        Errors are shown in the panel's error area and raised.
        """
        state = self.state
        state.set_paths(self.paths.value)  # re-expand: files may have appeared or gone since the path was typed
        workflow, files, problems = state.chosen_workflow, state.files, state.path_problems
        try:
            if not workflow:
                raise UnstructuredError("Choose a workflow first: pick one in the Workflow list or type its id")
            if problems:
                raise UnstructuredError("Fix the path field first: " + " ".join(problems))
            if not files:
                raise UnstructuredError("Choose at least one file: upload files, or type a path on the kernel's disk")
        except UnstructuredError as exc:
            state.show_error(exc, source="input")
            self.redraw()
            raise
        try:
            run = start_run(workflow, [f.item for f in files], client=self._get_client(), poll=self._poll)
        except Exception as exc:
            state.show_error(exc, source="run")
            self.redraw()
            raise
        state.add_run(run)
        self._unsubscribe.append(run.on_change(self._on_run_change))
        self._on_run_change(run)
        return run

    def _start_in_background(self) -> None:
        """Run's click handler: upload and start in a thread so the page stays responsive."""
        if not self.state.begin_start():
            return
        self.redraw()

        def start() -> None:
            try:
                self.run()
            except Exception:
                pass  # already shown in the error area
            finally:
                self.state.end_start()
                self.redraw()

        threading.Thread(target=start, name="unstructured-nb-panel-start", daemon=True).start()

    def cancel(self) -> list[Run]:
        """Ask the server to stop every running job started from this panel (what Cancel does)."""
        cancelled = []
        for run in self.state.running:
            try:
                run.cancel()
            except Exception as exc:
                self.state.show_error(exc, source="cancel")
            else:
                cancelled.append(run)
        if cancelled:
            noun = "job" if len(cancelled) == 1 else "jobs"
            ids = ", ".join(short_id(r.job_id) for r in cancelled)
            self.state.notice = f"Cancel requested for {noun} {ids}; waiting for the server…"
        self.redraw()
        return cancelled

    def wait(self, timeout: float | None = None) -> Run | None:
        """Block until the latest start has finished, its job has ended and its preview is shown.

        Returns the latest Run (None if no job was started). For scripts, tests and
        notebooks that drive the panel from code; ``timeout`` is in seconds.
        """
        return self.state.wait(timeout)

    # --- live updates ------------------------------------------------------------------------
    def _on_run_change(self, run: Run) -> None:
        """Called by the tracker's thread after every change of a run (and at its end)."""
        # "finished" is read once, first: read after the slow redraw, a call racing with the
        # tracker's final one could mark the run settled without scheduling its preview.
        finished = run.finished
        if self.state.run_changed(run, finished=finished):
            # downloads outputs: never on the tracker's thread, which serves every run
            threading.Thread(target=self._load_preview, args=(run,), name="unstructured-nb-preview", daemon=True).start()
        self.redraw()
        self.state.run_drawn(run, finished=finished)

    def _load_preview(self, run: Run) -> None:
        try:
            preview = self.state.preview_of(run)
        except Exception as exc:
            # the job itself went fine (say its outputs went to a remote destination and cannot be
            # downloaded): a note where the preview would be, not an error
            preview = Preview(f"No preview for job {short_id(run.job_id)}", note=user_message(exc))
        self.state.preview_done(preview)
        self.results.show_run(run)
        self.redraw()

    # --- drawing the state ---------------------------------------------------------------------
    def redraw(self) -> None:
        """Draw the state into the widgets (any thread)."""
        state = self.state
        with state.lock:
            self.title.value = view.title_html(state.api_label)
            self.workflow_info.value = view.notice_html(state.workflow_info(), muted=True)
            self.files_view.value = view.files_html(state.files, state.path_problems, state.path_note, state.size_limit_bytes)
            self.run_button.disabled = not state.can_run
            self.cancel_button.disabled = not state.running
            self.status_line.value = view.notice_html(state.status_text())
            self.error_area.value = view.error_html(state.error)
            self.error_area.layout.display = None if state.error else "none"
            self.table.value = view.runs_table_html([r.snapshot() for r in state.runs])
            self.preview.value = view.preview_html(state.preview)

    # --- where widgets cannot render ---------------------------------------------------------
    def to_html(self) -> str:
        """A static HTML snapshot of the panel (exported notebooks, HTML-only front ends)."""
        with self.state.lock:
            return view.snapshot_html(self.state, [r.snapshot() for r in self.state.runs])

    def to_text(self) -> str:
        """A plain-text snapshot of the panel (terminals, text-only exports)."""
        with self.state.lock:
            return view.snapshot_text(self.state, [r.snapshot() for r in self.state.runs])

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The widget view plus HTML and text snapshots, for front ends without widgets."""
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = self.to_text()
        bundle["text/html"] = self.to_html()
        return dict(bundle)

    def close(self) -> None:
        """Stop listening to the runs and close the widgets (jobs keep running on the server)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for child in _walk(self):
            if child is not self:
                child.close()
        super().close()


def _walk(box: widgets.Widget) -> Iterable[widgets.Widget]:
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


#: ``unstructured_nb.panel(...)``: the panel, built from the same arguments as :class:`Panel`.
panel = Panel
