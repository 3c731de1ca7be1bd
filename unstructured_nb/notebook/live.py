"""The live status table in a notebook cell: one display, updated in place from the tracker thread.

:func:`show_live` displays runs once with a display id and updates that display whenever
a run changes, until they all end (no asyncio: it keeps updating while the kernel idles).
:func:`display_run` is IPython's display formatter for a ``Run`` (registered by
:func:`register`): a run left as a cell's value shows the same live table, except in the
cell whose magic already shows it.

When the kernel is restarted or shut down, every table still updating is redrawn once,
marked as not updating (with how to follow its job again): a saved notebook never shows a
dead kernel's IN_PROGRESS as if it were live. For a kernel that dies without warning, a
running table also carries a note that a style keeps hidden for two minutes after each
redraw: it shows when the redraws stop, and in a notebook reopened later (where the
style is stripped, or no kernel redraws it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from html import escape as html_escape
from typing import Any

from .. import hints
from ..render.html import runs_html
from ..render.style import format_seconds
from ..render.text import runs_text
from ..runs import BatchRun, Followable, Run

__all__ = ["RunsView", "display_run", "in_kernel", "mark_stale", "register", "show_final", "show_live"]

# Runs whose live table the running cell already shows (by id), cleared after each cell.
_SHOWN_IN_CELL: set[int] = set()
_REGISTERED: set[int] = set()
# Tables still updating: their redraw, to mark them stale when the kernel stops.
_LIVE: dict[int, Callable[[str], None]] = {}
_LIVE_LOCK = threading.Lock()


class RunsView:
    """What the live display shows of some runs: their status table as HTML and text.

    Plain ``text/html`` + ``text/plain``, so a saved or exported notebook keeps the last
    table without any JavaScript.
    """

    def __init__(self, runs: Sequence[Followable], *, max_rows: int = 50) -> None:
        self.runs = list(runs)
        self.max_rows = max_rows
        self.stale: str | None = None  # why the table stopped updating (its kernel stopped)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        snapshots = [r.snapshot() for r in self.runs]
        if self.stale:
            snapshots = [s.marked_stale(f"{self.stale} Follow the job again with {hints.attach(s.job_id)}.") for s in snapshots]
        html = runs_html(snapshots, max_rows=self.max_rows)
        waiting = [s for s in snapshots if not s.finished and not s.stale]
        if waiting:
            # a run polled rarely redraws rarely
            slowest = max((getattr(r, "poll_interval", None) or 0.0 for r in self.runs), default=0.0)
            html += _quiet_note(waiting[0].job_id, max(QUIET_SECONDS, int(3 * slowest)))
        return {"text/plain": runs_text(snapshots, max_rows=self.max_rows), "text/html": html}

    def __repr__(self) -> str:
        return runs_text([r.snapshot() for r in self.runs], max_rows=self.max_rows)


# Shown once a live table has not been redrawn for QUIET_SECONDS (each redraw restarts the delay).
QUIET_SECONDS = 120
_QUIET_STYLE = "<style>@keyframes unb-quiet { from { visibility: hidden; } to { visibility: visible; } }</style>"


def _quiet_note(job_id: str, seconds: int) -> str:
    text = (
        f"Not redrawn for {format_seconds(seconds)}: if the kernel that drew this table has stopped, this table "
        f"is not updating. Follow the job again with {hints.attach(job_id)}."
    )
    style = f"margin:0.4em 0;color:#9a6700;animation:unb-quiet 0s linear {seconds}s both"
    return f'{_QUIET_STYLE}<p class="unb-quiet" style="{style}">{html_escape(text)}</p>'


def in_kernel() -> bool:
    """True inside a Jupyter kernel (display ids can be updated), False in terminal IPython."""
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show_live(runs: Sequence[Followable], *, max_rows: int = 50) -> Callable[[], None]:
    """Display the runs' table once and keep it updated in place until they all end.

    In terminal IPython the table is printed once. Returns a function that redraws the
    table now, from the caller's thread: after a blocking wait, the cell then ends with
    the final table in place, whenever the tracker thread's own last update arrives.
    """
    from IPython import get_ipython
    from IPython.display import display

    register(get_ipython())
    view = RunsView(runs, max_rows=max_rows)
    _SHOWN_IN_CELL.update(id(r) for r in view.runs)
    if not in_kernel():
        print(repr(view))
        return lambda: None
    handle = display(view, display_id=True)
    pending = [r for r in view.runs if not r.finished]
    if not pending or handle is None:
        return lambda: None
    lock = threading.Lock()
    unsubscribes: list[Callable[[], None]] = []
    last: list[dict[str, str]] = []

    def update(_: Followable) -> None:
        with lock:
            bundle = view._repr_mimebundle_()
            if not last or bundle != last[0]:
                last[:] = [bundle]
                handle.update(bundle, raw=True)
            if all(r.finished for r in view.runs) or view.stale:
                for unsubscribe in unsubscribes:
                    unsubscribe()
                unsubscribes.clear()
                with _LIVE_LOCK:
                    _LIVE.pop(id(view), None)

    def stop(reason: str) -> None:
        view.stale = reason
        update(pending[0])

    with _LIVE_LOCK:
        _LIVE[id(view)] = stop
    with lock:
        unsubscribes.extend(r.on_change(update) for r in pending)
    if any(r.finished for r in pending):  # a run may have finished before the subscription
        update(pending[0])
    return lambda: update(pending[0])


def show_final(runs: Sequence[Followable], *, max_rows: int = 50) -> None:
    """Display the runs' table once, as it is now (no updates): CI builds and terminals."""
    from IPython.display import display

    view = RunsView(runs, max_rows=max_rows)
    _SHOWN_IN_CELL.update(id(r) for r in view.runs)
    if in_kernel():
        display(view)
    else:
        print(repr(view))


def display_run(run: Followable) -> None:
    """IPython's display of a ``Run``: its live table, unless this cell's magic already shows it."""
    if id(run) in _SHOWN_IN_CELL:
        return
    show_live([run])


def _end_of_cell(*_: Any) -> None:
    _SHOWN_IN_CELL.clear()


def mark_stale(reason: str) -> int:
    """Redraw every table still updating as not updating, saying ``reason``; returns how many."""
    with _LIVE_LOCK:
        stops = list(_LIVE.values())
        _LIVE.clear()
    for stop in stops:
        stop(reason)
    return len(stops)


def _watch_shutdown(kernel: Any) -> None:
    """Before the kernel stops (restart or shutdown), mark its live tables as not updating."""
    original = kernel.do_shutdown

    def do_shutdown(restart: bool) -> Any:
        when = time.strftime("%H:%M:%S", time.gmtime())
        what = "restarted" if restart else "shut down"
        mark_stale(f"The kernel that drew this table was {what} at {when} UTC, so it stopped updating; the job itself goes on.")
        return original(restart)

    kernel.do_shutdown = do_shutdown


def register(shell: Any) -> None:
    """Make ``shell`` display runs live (idempotent): the display formatter, the end-of-cell reset, the shutdown mark."""
    if shell is None or id(shell) in _REGISTERED:
        return
    _REGISTERED.add(id(shell))
    formatter = shell.display_formatter.ipython_display_formatter
    formatter.for_type(Run, display_run)
    formatter.for_type(BatchRun, display_run)
    shell.events.register("post_run_cell", _end_of_cell)
    kernel = getattr(shell, "kernel", None)
    if kernel is not None and callable(getattr(kernel, "do_shutdown", None)):
        _watch_shutdown(kernel)
