"""The panel's state without any widget: what is chosen, what runs, what to tell the user, and waits on it.

The panel (``panel.py``) turns widget events into calls here and draws this state into its
widgets; tests drive and read it directly. Every field is a plain value, and every change
happens under one lock, because the tracker's thread and the browser's events both change
it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WaitTimeoutError, WorkflowLookupError, user_message
from ..models import Workflow
from ..render.style import format_size, short_id
from ..runs import BatchRun, InputFile, Run, expand, lookup, split_field
from .panel_choice import RunChoice
from .upload_store import Upload

__all__ = ["PanelState", "Preview", "Started"]

#: What a click on Run starts: a workflow's job, or on-demand jobs followed as one run.
Started = Run | BatchRun

_UUID_CHARS = frozenset("0123456789abcdefABCDEF-")


@dataclass(frozen=True)
class Preview:
    """What the results area shows: a title, the first elements as a table (or a note), and a hint."""

    title: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    note: str = ""
    hint: str = ""


def upload_files(values: Iterable[Mapping[str, Any]]) -> tuple[InputFile, ...]:
    """``FileUpload.value`` entries as input files: (name, content) pairs, uploaded without a copy."""
    out = []
    for item in values:
        name = str(item.get("name") or "upload")
        content = item.get("content")
        size = item.get("size")
        if size is None and content is not None:
            size = len(content)
        out.append(InputFile(name, (name, content), int(size) if size is not None else None, None, "uploaded"))
    return tuple(out)


def uploaded_files(uploads: Iterable[Upload]) -> tuple[InputFile, ...]:
    """Complete browser uploads as input files: paths on the kernel's disk, streamed like any other."""
    return tuple(InputFile(u.name, u.path, u.size, u.path, "uploaded") for u in uploads if u.status == "done" and u.path)


class PanelState:
    """Everything the panel shows, as values, and the transitions between them.

    ``allow_paths``: whether the path field exists (not in Voila unless a ``root`` is
    given); ``root``: the only folder typed paths may name. ``code_hints``: whether code
    can run next to the panel, so hints may name it (``code_name`` is its variable).
    """

    def __init__(
        self,
        *,
        size_limit_bytes: int,
        preview_rows: int,
        allow_paths: bool = True,
        root: str | os.PathLike[str] | None = None,
        code_hints: bool = True,
    ) -> None:
        self.size_limit_bytes = size_limit_bytes
        self.preview_rows = preview_rows
        self.allow_paths = allow_paths
        self.root = os.path.realpath(os.fspath(root)) if root is not None else None
        self.code_hints = code_hints
        self.code_name: str | None = None  # the notebook variable holding the panel, when known
        self.remote = False  # the server is the platform (not a local engine): its size limits apply
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.workflows: list[Workflow] = []
        self.choice = RunChoice()  # "Run with": a workflow (chosen below), a template or custom nodes
        self.picked: str | None = None  # the workflow id chosen in the list
        self.typed = ""  # a workflow id or name typed by hand
        self.uploads: tuple[InputFile, ...] = ()
        self.uploading = 0  # browser uploads still arriving
        self.upload_problems: tuple[str, ...] = ()  # refused or failed uploads, each in one sentence
        self.kernel_files: tuple[InputFile, ...] = ()
        self.path_problems: tuple[str, ...] = ()
        self.path_note: str | None = None
        self.starting = False
        self.runs: list[Started] = []
        self.error = ""  # the paragraph in the error area ('' when there is none)
        self.error_source: str | None = None
        self.preview: Preview | None = None
        self.api_label = "not connected"
        self.notice: str | None = None  # a one-off status message (after Cancel, say)
        self._pending_previews = 0
        self._previewed: set[str] = set()
        self._settled: set[str] = set()  # job ids whose final state has been drawn

    # -- what is chosen ---------------------------------------------------------------------
    @property
    def chosen_workflow(self) -> str | None:
        """The workflow a click on Run would use: the typed id or name first, else the picked id."""
        return self.typed.strip() or self.picked or None

    @property
    def files(self) -> list[InputFile]:
        """Every file a click on Run would send: uploads first, then kernel-side files."""
        return [*self.uploads, *self.kernel_files]

    @property
    def can_run(self) -> bool:
        return (
            not self.starting and not self.uploading and not self.target_problem() and bool(self.files) and not self.path_problems
        )

    def target_problem(self) -> str:
        """Why the "Run with" choice cannot run yet ('' when it can): no workflow, a mistyped one, no template..."""
        if self.choice.mode != "workflow":
            return self.choice.error() or self.choice.todo()
        if not self.chosen_workflow:
            return "Choose a workflow first: pick one in the Workflow list or type its id"
        return self.workflow_problem()

    def choice_changed(self) -> None:
        """The "Run with" choice changed: its mistake (no templates, a bad Max characters...) goes to the error area."""
        self.inputs_changed()
        error = self.choice.error()
        self.show_error(error, source="choice") if error else self.clear_error("choice")

    def workflow_problem(self) -> str:
        """Why the typed workflow cannot be run, checked against the list as the user types ('' when it can)."""
        typed = self.typed.strip()
        if not typed or not self.workflows:
            return ""
        try:
            lookup(self.workflows, typed)
        except WorkflowLookupError as exc:
            if set(typed) <= _UUID_CHARS and len(typed) >= 32:
                return ""  # an id beyond the listed page: the server is asked on Run
            close = (exc.hint or "").split(" List them with", 1)[0].strip()  # the list is right here
            return f"{exc.message}. {close}".strip()
        return ""

    def retry_candidate(self) -> Run | None:
        """The latest run, when it ended with failed files this panel can send again."""
        with self.lock:
            run = self.runs[-1] if self.runs else None
        if not isinstance(run, Run) or not run.finished or not run.sources:  # a batch is not retried (yet)
            return None
        failed = {os.path.basename(f.document) for f in run.failed_files or ()}
        return run if failed & {os.path.basename(name) for name in run.sources} else None

    @property
    def running(self) -> list[Started]:
        return [r for r in self.runs if not r.done]

    def set_workflows(self, workflows: Sequence[Workflow]) -> None:
        with self.lock:
            self.workflows = sorted(workflows, key=lambda w: (w.name.lower(), w.id))  # reads well, same on every refresh
            if self.picked not in {w.id for w in self.workflows}:
                self.picked = None
            self.clear_error("workflows")

    def workflow_options(self) -> list[tuple[str, str]]:
        """(label, id) per workflow: the name, with a short id where names repeat."""
        counts: dict[str, int] = {}
        for wf in self.workflows:
            counts[wf.name] = counts.get(wf.name, 0) + 1
        return [
            (wf.name if counts[wf.name] == 1 and wf.name else f"{wf.name or '(unnamed)'} · {short_id(wf.id)}", wf.id)
            for wf in self.workflows
        ]

    def set_paths(self, text: str) -> None:
        """Expand the path field (the same rules as the magic and the terminal), inside ``root`` when there is one."""
        if not self.allow_paths:
            text = ""
        inputs = expand(split_field(text), root=self.root)
        with self.lock:
            self.kernel_files = inputs.files
            self.path_problems = inputs.problems
            self.path_note = inputs.note

    def set_uploads(self, values: Iterable[Mapping[str, Any]]) -> None:
        """``FileUpload.value`` entries (a panel driven from code), sent from memory."""
        with self.lock:
            self.uploads = upload_files(values)

    def set_browser_uploads(self, uploads: Sequence[Upload]) -> None:
        """The upload button's files: complete ones can be sent, the others are counted or explained."""
        with self.lock:
            self.uploads = uploaded_files(uploads)
            self.uploading = sum(1 for u in uploads if u.status == "sending")
            self.upload_problems = tuple(u.message for u in uploads if u.status in ("refused", "failed") and u.message)

    def files_in_use(self) -> set[Path]:
        """Uploaded files some run may send again (retry): kept on disk when the choice is cleared."""
        with self.lock:
            return {Path(v) for r in self.runs for v in r.sources.values() if isinstance(v, Path)}

    def inputs_changed(self) -> None:
        """A choice changed: an error about the old inputs (or a Run refused for them) no longer applies."""
        self.clear_error("input")
        self.clear_error("run")
        with self.lock:
            self.notice = None

    # -- errors -----------------------------------------------------------------------------
    def show_error(self, exc: BaseException | str, *, source: str = "panel") -> None:
        """Show one paragraph in the error area (an exception becomes its one paragraph)."""
        with self.lock:
            self.error = exc if isinstance(exc, str) else user_message(exc)
            self.error_source = source

    def clear_error(self, source: str | None = None) -> None:
        """Clear the error area (only an error from ``source``, when given)."""
        with self.lock:
            if source is None or self.error_source == source:
                self.error = ""
                self.error_source = None

    # -- starting and following runs ----------------------------------------------------------
    def begin_start(self) -> bool:
        """Mark a start in progress; False if one already is (a double click)."""
        with self.lock:
            if self.starting:
                return False
            self.starting = True
            self.notice = None
            return True

    def end_start(self) -> None:
        with self.changed:
            self.starting = False
            self.changed.notify_all()

    def add_run(self, run: Started) -> None:
        with self.lock:
            self.runs.append(run)
            for source in ("run", "input", "cancel"):
                self.clear_error(source)

    def run_changed(self, run: Started, *, finished: bool) -> bool:
        """Record a change of ``run``; True when its preview should now be loaded (once, when it completed)."""
        with self.lock:
            if run.last_error is not None:
                self.show_error(run.last_error, source="poll")
            else:
                self.clear_error("poll")
            # a completion with failed files is previewed too: the elements of the files that worked
            load = (finished or run.done) and run.status.value == "COMPLETED" and run.job_id not in self._previewed
            if load:
                self._previewed.add(run.job_id)
                self._pending_previews += 1
            return load

    def run_drawn(self, run: Started, *, finished: bool) -> None:
        """The panel has drawn ``run``'s state; once its final state is drawn, waits may return."""
        with self.changed:
            if finished:
                self._settled.add(run.job_id)
            self.changed.notify_all()

    def preview_done(self, preview: Preview | None) -> None:
        with self.changed:
            if preview is not None:
                self.preview = preview
            self._pending_previews -= 1
            self.changed.notify_all()

    def preview_of(self, run: Started) -> Preview | None:
        """The results area for ``run`` (downloads its outputs), or None when a newer result is shown."""
        elements = run.elements(quiet=True)  # the table above already says which files failed
        with self.lock:
            index = self.runs.index(run) if run in self.runs else len(self.runs) - 1
            completed = [i for i, r in enumerate(self.runs) if r.done and r.status.value == "COMPLETED"]
        if completed and index < max(completed):
            return None
        head = elements.head(self.preview_rows)
        columns = [c for c in ("filename", "type", "text", "page_number") if c in head.columns]
        # a column with nothing to show (page_number of a text file) only adds noise
        columns = [c for c in columns if c != "page_number" or head[c].notna().any()]
        head = head[columns]
        rows = tuple(tuple("" if v is None or v != v else str(v) for v in row) for row in head.itertuples(index=False))
        n_files = elements["filename"].nunique() if "filename" in elements.columns else len(run.files)
        title = (
            f"Results of run {index + 1} (job {short_id(run.job_id)}): {len(elements)} elements from {n_files} "
            f"file{'s' if n_files != 1 else ''}"
        )
        hint = f"First {min(len(elements), self.preview_rows)} shown."
        if self.code_hints and self.code_name:  # only where code can run, naming a variable that exists
            hint += f" All of them: {self.code_name}.runs[{index}].elements() (or {self.code_name}.runs[-1] for the latest run)."
        return Preview(title, tuple(columns), rows, "" if len(elements) else "No elements.", hint)

    def cancel_requested(self, runs: Sequence[Started]) -> None:
        if runs:
            noun, ids = "job" if len(runs) == 1 else "jobs", ", ".join(short_id(r.job_id) for r in runs)
            self.notice = f"Cancel requested for {noun} {ids}; waiting for the server to stop it…"

    def wait(self, timeout: float | None = None) -> Started | None:
        """Block until the latest start has finished, its job has ended and its preview is shown."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.changed:
            while self.starting or self._pending_previews > 0 or any(r.job_id not in self._settled for r in self.runs):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise WaitTimeoutError(
                        f"Stopped waiting for the panel's job after {timeout:g} s; it is still running",
                        hint="Wait longer with panel.wait(), or stop it with panel.cancel() (the Cancel button)",
                    )
                self.changed.wait(0.2 if remaining is None else min(0.2, remaining))
            return self.runs[-1] if self.runs else None

    # -- what to say ---------------------------------------------------------------------------
    def workflow_info(self) -> str:
        typed = self.typed.strip()
        if typed:
            problem = self.workflow_problem()
            if problem:
                return problem
            for wf in self.workflows:
                if typed in (wf.id, wf.name):
                    return f"✓ {wf.name} (id {wf.id})"
            return "an id not in the list: checked when you click Run"
        if self.picked:
            return f"id {self.picked}"
        return f"{len(self.workflows)} workflows" if self.workflows else ""

    def workflow_label(self, ref: str) -> str:
        for wf in self.workflows:
            if ref == wf.id:
                return repr(wf.name) if wf.name else ref
        return repr(ref)

    def status_text(self) -> str:
        """The line beside the buttons: what is happening, or what is missing before Run."""
        with self.lock:
            if self.starting:
                n = len(self.files)
                return f"Starting: sending {n} file{'s' if n != 1 else ''}…"
            if self.notice and self.running:
                return self.notice
            if self.running:
                r = self.running[-1]
                return f"Job {short_id(r.job_id)} is {r.status.value}… (Cancel stops it)"
            last = ""
            if self.runs:
                r = self.runs[-1]
                took = r.elapsed_seconds()
                last = f"Run {len(self.runs)} {r.status.value}" + (f" in {took:.1f} s" if took is not None else "") + ". "
            workflow, files = self.chosen_workflow, self.files
            if self.uploading:
                n = self.uploading
                return (
                    last + f"Uploading {n} file{'s' if n != 1 else ''}… Run is ready once {'they' if n != 1 else 'it'} arrived."
                )
            if self.path_problems:
                return last + "Fix the path field (see above)."
            if self.choice.mode != "workflow":
                missing = "Fix the choice above (see the error below)." if self.choice.error() else self.choice.todo()
                if missing or not files:
                    return last + (missing or "Add at least one file.")
                what = self.choice.label()
            elif workflow and self.workflow_problem():
                return last + "Fix the workflow name (see above)."
            elif not workflow:
                return last + ("Choose a workflow." if files else "Choose a workflow and at least one file.")
            elif not files:
                return last + "Add at least one file."
            else:
                what = self.workflow_label(workflow)
            total = format_size(sum(f.size or 0 for f in files))
            again = " again" if last else ""
            plural = "s" if len(files) != 1 else ""
            return last + f"Ready to run {what}{again} on {len(files)} file{plural} ({total})."
