"""The live status table in a notebook cell: one display, updated in place from the tracker thread.

:func:`show_live` displays runs once with a display id and updates that display whenever
a run changes, until they all end (no asyncio: it keeps updating while the kernel idles).
:func:`display_run` is IPython's display formatter for a ``Run`` (registered by
:func:`register`): a run left as a cell's value shows the same live table, except in the
cell whose magic already shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..render.html import runs_html
from ..render.text import runs_text
from ..runs import BatchRun, Followable, Run

__all__ = ["RunsView", "display_run", "in_kernel", "register", "show_final", "show_live"]

# Runs whose live table the running cell already shows (by id), cleared after each cell.
_SHOWN_IN_CELL: set[int] = set()
_REGISTERED: set[int] = set()


class RunsView:
    """What the live display shows of some runs: their status table as HTML and text.

    Plain ``text/html`` + ``text/plain``, so a saved or exported notebook keeps the last
    table without any JavaScript.
    """

    def __init__(self, runs: Sequence[Followable], *, max_rows: int = 50) -> None:
        self.runs = list(runs)
        self.max_rows = max_rows

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        snapshots = [r.snapshot() for r in self.runs]
        return {
            "text/plain": runs_text(snapshots, max_rows=self.max_rows),
            "text/html": runs_html(snapshots, max_rows=self.max_rows),
        }

    def __repr__(self) -> str:
        return runs_text([r.snapshot() for r in self.runs], max_rows=self.max_rows)


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
            if all(r.finished for r in view.runs):
                for unsubscribe in unsubscribes:
                    unsubscribe()
                unsubscribes.clear()

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


def register(shell: Any) -> None:
    """Make ``shell`` display runs live (idempotent): the display formatter and the end-of-cell reset."""
    if shell is None or id(shell) in _REGISTERED:
        return
    _REGISTERED.add(id(shell))
    formatter = shell.display_formatter.ipython_display_formatter
    formatter.for_type(Run, display_run)
    formatter.for_type(BatchRun, display_run)
    shell.events.register("post_run_cell", _end_of_cell)
