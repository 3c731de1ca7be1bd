"""The ipywidgets panel: pick a workflow, a template or custom nodes, choose files, Run, watch, Cancel, see the results.

``unstructured_nb.panel()`` (and ``%unstructured_run`` with no arguments) returns a
:class:`Panel`: the layout and its wiring. Its state lives in a :class:`PanelState`
(``panel.state``); each run is a ``runs.Run`` the panel subscribes to. Widget values (not
display handles) carry every live update, because that is what JupyterLab, Notebook 7
*and* Voila all apply after the page has loaded. Where widgets cannot render, the
panel's output bundle also carries an HTML and a plain-text snapshot.

Uploads of any size go through :class:`~.upload.ChunkedUpload`. Served by Voila, the
panel is safe to hand out: no path field (unless the teacher gives a ``root`` folder that
confines it), no code hints, no server paths. "Run with" chooses a workflow, a template or custom
nodes (``panel_choice``); on-demand jobs start through ``runs.start_job``, as the magic's
``--template`` and ``--strategy`` do. Its parts are containers others can extend:
``workflow_row`` takes more controls beside the workflow picker, ``preview_area`` more
views of the results.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .. import hints
from ..client.protocol import ClientProtocol
from ..client.secret import Secret, hidden
from ..errors import UnstructuredError, user_message
from ..models import Workflow
from ..render.style import short_id
from ..runs import local_engine, shared_client, start_job, start_run
from . import context
from . import panel_view as view
from .panel_choice import RunChoice
from .panel_layout import PanelLayout
from .panel_state import PanelState, Preview, Started

__all__ = ["Panel", "panel"]


class Panel(PanelLayout):
    """A point-and-click front end to run workflows and on-demand jobs from a notebook (or a Voila page).

    Parts (all public, so a notebook can pre-fill or drive them): ``mode`` ("Run with":
    Workflow / Template / Custom, only the chosen mode's controls shown); ``workflow``
    (Dropdown), ``refresh_button`` and ``workflow_id`` (a typed id or name, checked as it is
    typed) in ``workflow_row``; ``template`` and ``template_refresh``; ``strategy``, ``chunk``,
    ``max_characters`` and ``embed``; ``upload`` (a :class:`~.upload.ChunkedUpload`),
    ``paths`` (kernel-side paths and globs; None when not allowed), ``clear_button``,
    ``files_view``; ``run_button``, ``cancel_button``, ``retry_button``, ``status_line``,
    ``error_area``, ``table`` (the live status table), ``preview`` and ``results`` (the
    Elements and View tabs) inside ``preview_area``. ``panel.state`` holds what it shows as
    plain values; ``panel.runs`` lists every run started from it, oldest first.

    ``workflow`` pre-selects a workflow by name or id, ``template`` a template, ``files``
    pre-fills the path field. With no ``client``, one is made from ``api_url`` / ``api_key``,
    else the key given with login() and the environment, falling back to the local engine.
    Files above ``size_limit_mb`` get a warning (the platform's limit); browser uploads above
    ``max_upload_mb`` are refused. ``allow_paths`` (default: yes, except under Voila) shows
    the path field; ``root`` confines its paths to one folder, which is how a Voila app may
    offer them. Display it by leaving it as a cell's last value, or with ``display()``.
    """

    def __init__(
        self,
        workflow: str | None = None,
        files: str | Sequence[str] | None = None,
        *,
        template: str | None = None,
        client: ClientProtocol | None = None,
        api_url: str | None = None,
        api_key: str | Secret | None = None,
        size_limit_mb: float = 10.0,
        max_upload_mb: float = 200.0,
        preview_rows: int = 10,
        poll: float | None = None,
        allow_paths: bool | None = None,
        root: str | os.PathLike[str] | None = None,
    ) -> None:
        self.__api_key = api_key = hidden(api_key)  # first: no frame below holds the key as text
        self.app = context.in_voila()
        if self.app:
            hints.speak("app")  # this kernel serves visitors who cannot run code
        allow_paths = context.paths_allowed(allow_paths, root, files, app=self.app)
        self.state = PanelState(
            size_limit_bytes=int(size_limit_mb * 1_000_000),
            preview_rows=preview_rows,
            allow_paths=allow_paths,
            root=root,
            code_hints=context.can_run_code(),
        )
        self._client = client
        self._api_url = api_url
        self._poll = poll
        self._unsubscribe: list[Callable[[], None]] = []
        super().__init__(choice=self.state.choice, allow_paths=allow_paths, root=root, max_upload_mb=max_upload_mb)
        self.workflow.observe(self._on_workflow, names="value")
        self.workflow_id.observe(self._on_workflow, names="value")
        self.upload.on_change(lambda _u: self._on_upload(None))
        if self.paths is not None:
            self.paths.observe(self._on_paths, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh_workflows())
        self.template_refresh.on_click(lambda _b: self.refresh_templates())
        self.state.choice.observe(self._on_choice, names=list(RunChoice.CHANGES))
        self.clear_button.on_click(lambda _b: self.clear_files())
        self.run_button.on_click(lambda _b: self._start_in_background())
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.retry_button.on_click(lambda _b: self._start_in_background(retry=True))

        self.refresh_workflows()
        if workflow:
            self.select_workflow(workflow)
        if template:
            self.select_template(template)
        if files and self.paths is not None:
            self.paths.value = files if isinstance(files, str) else shlex.join(str(f) for f in files)
        self.redraw()

    # --- reading the state -------------------------------------------------------------------
    @property
    def runs(self) -> list[Started]:
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
            with contextlib.redirect_stdout(io.StringIO()) if self.app else contextlib.nullcontext():
                # a Voila page does not show students the engine's data folder
                self._client = shared_client(self._api_url, self.__api_key)  # one connection pool with the magic
        self.state.api_label = "local engine" if self._client.is_local else self._client.api_url
        self.state.remote = not self._client.is_local
        self.state.choice.local = local_engine(self._client)  # which embedder an Embed tick adds
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

    def refresh_templates(self) -> list[dict[str, Any]]:
        """Reload the templates list (keeps the chosen template when it still exists)."""
        try:
            self.state.choice.set_templates(self._get_client().list_templates())
            self.state.clear_error("templates")
        except Exception as exc:  # shown in the error area; the other modes stay usable
            self.state.show_error(exc, source="templates")
        self.redraw()
        return self.state.choice.templates

    def select_template(self, name_or_id: str) -> None:
        """Run with the template of this id or exact name (the list is loaded first); UsageError if there is none."""
        if not self.state.choice.templates_loaded:
            self.refresh_templates()
        self.state.choice.select_template(name_or_id)
        self.state.choice.mode = "template"

    def _on_choice(self, change: Any) -> None:
        if change["name"] == "mode" and change["new"] == "template" and not self.state.choice.templates_loaded:
            self.refresh_templates()  # loaded on first use: a workflow user never waits for them
        self.state.choice_changed()
        self.redraw()

    # --- files ---------------------------------------------------------------------------
    def clear_files(self) -> None:
        """Forget the uploaded files (stopping uploads in flight) and empty the path field."""
        self.upload.clear(keep=self.state.files_in_use())
        self.state.set_uploads(())
        if self.paths is not None:
            self.paths.value = ""
        self._on_paths(None)

    def _on_workflow(self, _change: Any) -> None:
        self.state.picked = self.workflow.value
        self.state.typed = self.workflow_id.value
        self.state.inputs_changed()
        self.redraw()

    def _on_upload(self, _change: Any) -> None:
        self.state.set_browser_uploads(self.upload.uploads)
        self.state.inputs_changed()
        self.redraw()

    def _on_paths(self, _change: Any) -> None:
        self.state.set_paths(self.paths.value if self.paths is not None else "")
        self.state.inputs_changed()
        self.redraw()

    # --- run and cancel --------------------------------------------------------------------
    def run(self) -> Started:
        """Start a job with the "Run with" choice and files (what clicking Run does) and return its run.

        A workflow gives a ``Run``; a template or custom nodes give a ``BatchRun`` (as many
        on-demand jobs as the platform's limits need). Errors are shown in the error area and raised.
        """
        state = self.state
        state.set_paths(self.paths.value if self.paths is not None else "")  # files may have come or gone since
        files, problems = state.files, state.path_problems
        try:
            if state.uploading:
                raise UnstructuredError("Wait until the uploads have arrived (their progress is shown), then click Run")
            if state.target_problem():
                raise UnstructuredError(state.target_problem())
            if problems:
                raise UnstructuredError("Fix the path field first: " + " ".join(problems))
            if not files:
                raise UnstructuredError("Choose at least one file: upload files, or type a path on the kernel's disk")
        except UnstructuredError as exc:
            state.show_error(exc, source="input")
            self.redraw()
            raise
        try:
            client, choice = self._get_client(), state.choice
            run: Started
            if choice.mode == "workflow":
                run = start_run(state.chosen_workflow or "", list(files), client=client, poll=self._poll)
            else:  # the magic's path for --template and --strategy/--chunk/--embed
                run = start_job(list(files), client=client, poll=self._poll, **choice.job_options())
        except Exception as exc:
            state.show_error(exc, source="run")
            self.redraw()
            raise
        return self._follow(run)

    def retry_failed(self) -> Started:
        """Start a new job with only the files that failed in the latest run (what "Retry failed files" does)."""
        previous = self.state.retry_candidate()
        try:
            if previous is None:
                raise UnstructuredError("No run of this panel has failed files to send again")
            run = previous.retry_failed(client=self._get_client(), poll=self._poll)
        except Exception as exc:
            self.state.show_error(exc, source="run")
            self.redraw()
            raise
        return self._follow(run)

    def _follow(self, run: Started) -> Started:
        self.state.add_run(run)
        self._unsubscribe.append(run.on_change(self._on_run_change))
        self._on_run_change(run)
        return run

    def _start_in_background(self, *, retry: bool = False) -> None:
        """Run's (and Retry's) click handler: upload and start in a thread so the page stays responsive."""
        if not self.state.begin_start():
            return
        self.redraw()

        def start() -> None:
            try:
                self.retry_failed() if retry else self.run()
            except Exception:
                pass  # already shown in the error area
            finally:
                self.state.end_start()
                self.redraw()

        threading.Thread(target=start, name="unstructured-nb-panel-start", daemon=True).start()

    def cancel(self) -> list[Started]:
        """Ask the server to stop every running job started from this panel (what Cancel does)."""
        cancelled = []
        for run in self.state.running:
            try:
                run.cancel()
            except Exception as exc:
                self.state.show_error(exc, source="cancel")
            else:
                cancelled.append(run)
        self.state.cancel_requested(cancelled)
        self.redraw()
        return cancelled

    def wait(self, timeout: float | None = None) -> Started | None:
        """Block until the latest start has finished, its job has ended and its preview is shown.

        Returns the latest Run (None if no job was started). For scripts, tests and
        notebooks that drive the panel from code; ``timeout`` is in seconds.
        """
        return self.state.wait(timeout)

    # --- live updates ------------------------------------------------------------------------
    def _on_run_change(self, run: Started) -> None:
        """Called by the tracker's thread after every change of a run (and at its end)."""
        # "finished" is read once, first: read after the slow redraw, a call racing with the
        # tracker's final one could mark the run settled without scheduling its preview.
        finished = run.finished
        if self.state.run_changed(run, finished=finished):
            # downloads outputs: never on the tracker's thread, which serves every run
            threading.Thread(target=self._load_preview, args=(run,), name="unstructured-nb-preview", daemon=True).start()
        self.redraw()
        self.state.run_drawn(run, finished=finished)

    def _load_preview(self, run: Started) -> None:
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
        if state.code_hints and state.code_name is None:
            state.code_name = context.variable_name(self)
        retry = state.retry_candidate()
        with state.lock:
            self.title.value = view.title_html(state.api_label)
            self.workflow_row.layout.display = None if state.choice.mode == "workflow" else "none"
            problem = bool(state.workflow_problem())
            self.workflow_info.value = view.notice_html(state.workflow_info(), muted=not problem, warn=problem)
            self.files_view.value = view.state_files_html(state)
            self.run_button.disabled = not state.can_run
            self.retry_button.layout.display = None if retry is not None else "none"
            self.retry_button.disabled = retry is None or state.starting
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
        for unsubscribe in getattr(self, "_unsubscribe", ()):  # a panel whose options were refused has none
            unsubscribe()
        self._unsubscribe = []
        super().close()


#: ``unstructured_nb.panel(...)``: the panel, built from the same arguments as :class:`Panel`.
panel = Panel
