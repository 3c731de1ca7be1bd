"""``Followable``: what every run a user holds shares, one job or a batch of them.

Subscribing to changes, waiting (blocking, with a timeout, or ``await``), following
snapshots, the elements and search frames, and the static reprs. A subclass says what its
snapshot, status, outputs and tracking are; everything here reads only those.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .. import hints
from ..errors import UnstructuredError, WaitInterrupted, WaitTimeoutError
from ..models import JobStatus
from ..render.frames import elements_frame, status_frame
from ..render.html import runs_html
from ..render.snapshot import RunSnapshot
from ..render.text import runs_text
from .outputs import Outputs

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["Followable"]

log = logging.getLogger("unstructured_nb.runs")

F = TypeVar("F", bound="Followable")


class Followable:
    """A run being followed: its changes, its end, its results and its reprs."""

    def __init__(self) -> None:
        self.sources: dict[str, Any] = {}  # input name -> what was sent: its path here, or the upload
        self._lock = threading.RLock()
        self._callbacks: list[Callable[[Any], None]] = []
        self._finished = threading.Event()

    # -- what a subclass provides ---------------------------------------------------------
    def snapshot(self) -> RunSnapshot:
        """The run at this moment, as every view draws it."""
        raise NotImplementedError

    def track(self: F, tracker: Any = None) -> F:
        """Make sure the run is being followed; returns it."""
        raise NotImplementedError

    def outputs(self) -> Outputs:
        """Every output file's elements: ``{input file: {node: [element, ...]}}``."""
        raise NotImplementedError

    @property
    def status(self) -> JobStatus:
        raise NotImplementedError

    @property
    def job_id(self) -> str:
        """The job's id (a batch: its first job's)."""
        raise NotImplementedError

    @property
    def files(self) -> list[str]:
        """The input files' names."""
        raise NotImplementedError

    @property
    def workflow_name(self) -> str:
        """The workflow's name (on-demand jobs: the template's, or what their nodes do)."""
        raise NotImplementedError

    @property
    def done(self) -> bool:
        raise NotImplementedError

    @property
    def last_error(self) -> UnstructuredError | None:
        raise NotImplementedError

    def _wait_timeout(self, timeout: float) -> WaitTimeoutError:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once tracking has ended (the job or jobs over and their final details fetched, or lost)."""
        return self._finished.is_set()

    def notify(self) -> None:
        """Call every ``on_change`` callback (on the caller's thread)."""
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(self)
            except Exception:  # a broken display must not stop the tracker
                log.exception("on_change callback %r failed", callback)

    def on_change(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(run)`` after every observed change and once at the end.

        Callbacks run on the tracker thread; keep them short. Returns an unsubscribe function.
        """
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def wait(self: F, timeout: float | None = None) -> F:
        """Block until the run ends (and its final details are in); returns the run.

        Raises ``WaitTimeoutError`` after ``timeout`` seconds (the work keeps running), and
        the polling error if the run can no longer be followed. Ctrl-C stops waiting, not the
        work, and says so in one paragraph (``WaitInterrupted``, a KeyboardInterrupt).
        """
        try:
            for _ in self.follow(interval=0.2, timeout=timeout):
                pass
        except KeyboardInterrupt:
            raise WaitInterrupted(self.interrupted_message()) from None
        return self

    def interrupted_message(self) -> str:
        """The paragraph for Ctrl-C while waiting: the same from ``run.wait()``, ``--wait`` and the CLI."""
        return hints.stopped_waiting(self.job_id, self.status.value, self.done)

    def follow(self, interval: float = 0.5, timeout: float | None = None) -> Iterator[RunSnapshot]:
        """Yield a snapshot now and then every ``interval`` seconds until tracking ends, then the final one.

        Raises ``WaitTimeoutError`` after ``timeout`` seconds, and the polling error if the
        run was lost. Short waits keep Ctrl-C responsive on every platform.
        """
        self.track()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._finished.is_set():
            yield self.snapshot()
            if deadline is not None and timeout is not None and time.monotonic() >= deadline:
                raise self._wait_timeout(timeout)
            wait = interval if deadline is None else max(0.0, min(interval, deadline - time.monotonic()))
            self._finished.wait(wait)
        yield self.snapshot()
        error = self.last_error
        if not self.done and error is not None:
            raise error

    def __await__(self) -> Generator[Any, None, Any]:
        return self._wait_async().__await__()

    async def _wait_async(self: F) -> F:
        self.track()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            if not future.done():
                future.set_result(None)

        def callback(run: Any) -> None:
            if run.finished:
                loop.call_soon_threadsafe(resolve)

        unsubscribe = self.on_change(callback)
        try:
            while not self.finished:  # the timeout catches a finish that raced with the subscription
                try:
                    await asyncio.wait_for(asyncio.shield(future), timeout=1.0)
                except asyncio.TimeoutError:
                    continue
        finally:
            unsubscribe()
        error = self.last_error
        if not self.done and error is not None:
            raise error
        return self

    def elements(self, all_nodes: bool = False, strict: bool = False, *, quiet: bool = False) -> pandas.DataFrame:
        """All output elements as one DataFrame, one row per element.

        Columns: filename, node, type, element_id, text, page_number, then the rest of the
        metadata flattened (``metadata.data_source.url`` becomes ``data_source.url``).
        By default only each file's final node output; ``all_nodes=True`` includes every node.
        A running or partly failed job gives what is there with a one-line note (``strict=True``:
        the short error instead; ``quiet=True``: no note, for a front end that says it itself).
        """
        return elements_frame(self._collect(strict=strict, all_nodes=all_nodes, quiet=quiet), all_nodes)

    def _collect(self, *, strict: bool, all_nodes: bool, quiet: bool = False) -> Outputs:
        """The outputs ``elements()`` shows; a run with partial results overrides this (see ``Run``)."""
        return self.outputs()

    def search(self, question: str, k: int = 5) -> pandas.DataFrame:
        """The ``k`` output chunks that best answer ``question``: score, file, page, text, element_id.

        Ranked by the output's own embeddings (the question embedded by the same local model)
        when they came from the local engine's model; otherwise by BM25 over the texts, with a
        note saying why (``frame.attrs["method"]`` and ``frame.attrs["note"]``).
        """
        from ..render.frames import search_frame
        from .search import search_outputs

        return search_frame(search_outputs(self.outputs(), question, k))

    def view(self, file: str | None = None, **options: Any) -> Any:
        """A page viewer of this run's output, a box per element on its page: see :func:`unstructured_nb.view`."""
        from ..notebook.viewer import view  # loaded on first use: runs/ imports no widgets

        return view(self, file=file, **options)

    def to_dataframe(self) -> pandas.DataFrame:
        """The status table of this run."""
        return status_frame([self.snapshot()])

    # -- reprs: a static snapshot (the notebook layer shows a live one) -----------------------
    def __repr__(self) -> str:
        return runs_text([self.snapshot()])

    def _repr_html_(self) -> str:
        return runs_html([self.snapshot()])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        snapshot = [self.snapshot()]
        return {"text/plain": runs_text(snapshot), "text/html": runs_html(snapshot)}
