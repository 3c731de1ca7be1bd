"""What users see of runs and errors: the status table as HTML or text, and the live display.

``render_html``/``render_text`` draw the status table, then per-node progress of running
jobs, then the failed files of jobs that had failures, for any front-end. ``show_live``
displays that once with a display id and updates it in place from the tracker thread.
``error_paragraph`` is the single paragraph shown for any error: never a traceback, never
the key.
"""

from __future__ import annotations

import html
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import UnstructuredError

if TYPE_CHECKING:  # pragma: no cover
    from .tracking import Run

__all__ = ["MAX_ROWS", "RunsView", "error_paragraph", "in_kernel", "render_html", "render_text", "show_live"]

#: Most rows a status table shows (``%config UnstructuredMagics.max_rows``).
MAX_ROWS = 50

_STATUS_COLORS = {
    "COMPLETED": "#1a7f37",
    "FAILED": "#cf222e",
    "STOPPED": "#9a6700",
    "IN_PROGRESS": "#0969da",
    "SCHEDULED": "#6e7781",
}


def error_paragraph(exc: BaseException) -> str:
    """The one paragraph shown to a user for ``exc``.

    Our own errors already are that paragraph; anything else gets a short generic one
    naming the type. Exception texts from other libraries are not echoed, since they
    could quote request headers.
    """
    if isinstance(exc, UnstructuredError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "Interrupted."
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        name = getattr(exc, "filename", None)
        return (
            f"Cannot read {name!s}: {exc.strerror or type(exc).__name__}. Check the path and its permissions."
            if name
            else (f"A file could not be read ({type(exc).__name__}). Check the paths and their permissions.")
        )
    return (
        f"Something unexpected went wrong ({type(exc).__module__}.{type(exc).__name__}). "
        "Nothing you ran is lost: try again, and if it keeps happening, report it with the steps that led here."
    )


# --- rendering ------------------------------------------------------------------------------


def _runs(runs: Any) -> list[Run]:
    from .tracking import Run

    if isinstance(runs, Run):
        return [runs]
    return list(runs)


def _short(job_id: str) -> str:
    return job_id[:8] if len(job_id) > 8 else job_id


def _extras(runs: list[Run]) -> list[tuple[str, str, Any]]:
    """(kind, title, frame-or-text) blocks shown under the status table."""
    from .tables import failed_frame, progress_frame

    blocks: list[tuple[str, str, Any]] = []
    for r in runs:
        prog = progress_frame(r)
        if prog is not None and (not r.done or (r.failed_files and len(runs) == 1)):
            blocks.append(("table", f"Progress of job {_short(r.job_id)} ({r.workflow_name})", prog))
        failed = failed_frame(r)
        if failed is not None:
            blocks.append(("table", f"Failed files of job {_short(r.job_id)} ({r.workflow_name})", failed))
        if r.details is not None and r.details.message and r.done:
            blocks.append(("note", f"Job {_short(r.job_id)}", r.details.message))
        if r.last_error is not None:
            blocks.append(("error", f"Job {_short(r.job_id)}: polling problem (still trying)", error_paragraph(r.last_error)))
    return blocks


def _left(table: str) -> str:
    """Left-align text cells (pandas right-aligns every cell, which is hard to read for names)."""
    return table.replace("<td>", '<td style="text-align:left">').replace("<th>", '<th style="text-align:left">')


def render_html(runs: Any) -> str:
    """HTML: the status table, then progress, failed files and polling problems."""
    from .tables import status_frame

    rs = _runs(runs)
    frame = status_frame(rs)
    table = frame.to_html(index=False, max_rows=MAX_ROWS, escape=True, border=0, classes="dataframe unstructured-status")
    for status, color in _STATUS_COLORS.items():  # a coloured status is read at a glance
        table = table.replace(f"<td>{status}</td>", f'<td style="text-align:left"><b style="color:{color}">{status}</b></td>')
    table = _left(table)
    parts = ['<div class="unstructured-nb-runs">', table]
    for kind, title, body in _extras(rs):
        if kind == "table":
            parts.append(f'<p style="margin:0.6em 0 0.2em 0"><b>{html.escape(title)}</b></p>')
            parts.append(_left(body.to_html(index=False, max_rows=MAX_ROWS, escape=True, border=0, classes="dataframe")))
        else:
            color = "#cf222e" if kind == "error" else "#57606a"
            parts.append(f'<p style="margin:0.4em 0;color:{color}"><b>{html.escape(title)}:</b> {html.escape(str(body))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


def render_text(runs: Any) -> str:
    """Plain text: the same content as ``render_html``, for terminals and exports."""
    from .tables import status_frame

    rs = _runs(runs)
    frame = status_frame(rs)
    out = [frame.to_string(index=False, max_rows=MAX_ROWS)]
    for kind, title, body in _extras(rs):
        if kind == "table":
            out.append(f"\n{title}:\n{body.to_string(index=False, max_rows=MAX_ROWS)}")
        else:
            out.append(f"\n{title}: {body}")
    return "\n".join(out)


class RunsView:
    """A snapshot-on-demand of some runs: what the live display shows.

    Plain ``text/html`` + ``text/plain``, so a saved or exported notebook keeps the last
    table without any JavaScript.
    """

    def __init__(self, runs: Sequence[Run]) -> None:
        self.runs = list(runs)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": render_text(self.runs), "text/html": render_html(self.runs)}

    def __repr__(self) -> str:
        return render_text(self.runs)


def in_kernel() -> bool:
    """True inside a Jupyter kernel (display ids can be updated), False in terminal IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_live(runs: Sequence[Run]) -> Any:
    """Display the runs' table once and keep it updated in place until they all end.

    In a kernel this is one display with ``display_id``, updated from the tracker thread
    (no asyncio: it keeps updating while the kernel idles). In terminal IPython the table
    is printed once. Returns a function that redraws the table now, from the caller's
    thread: after a blocking wait, the cell then ends with the final table in place,
    whenever the tracker thread's own last update arrives.
    """
    from IPython.display import display

    view = RunsView(runs)
    if not in_kernel():
        print(render_text(view.runs))
        return lambda: None
    handle = display(view, display_id=True)
    pending = [r for r in view.runs if not r.finished]
    if not pending or handle is None:
        return lambda: None
    lock = threading.Lock()
    unsubscribes: list[Any] = []
    state = {"last": None}

    def update(_: Run) -> None:
        with lock:
            bundle = view._repr_mimebundle_()
            if bundle != state["last"]:
                state["last"] = bundle
                handle.update(bundle, raw=True)
            if all(r.finished for r in view.runs):
                for unsubscribe in unsubscribes:
                    unsubscribe()
                unsubscribes.clear()

    with lock:
        for r in pending:
            unsubscribes.append(r.on_change(update))
    # a run may have finished between the first display and the subscription
    if any(r.finished for r in pending):
        update(pending[0])
    return lambda: update(pending[0])


def print_error(exc: BaseException, file: Any = None) -> None:
    """Print ``error_paragraph(exc)`` to stderr."""
    print(error_paragraph(exc), file=file or sys.stderr)
