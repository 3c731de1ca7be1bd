"""Waiting for a run to end: blocking with snapshots as it goes (``follow``), and awaiting it in async code.

Written over a run's public interface (``track``, ``finished``, ``wait_finished``,
``snapshot``, ``on_change``), so a waiting thread never touches its state directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import hints
from ..errors import WaitTimeoutError

if TYPE_CHECKING:  # pragma: no cover
    from ..render.snapshot import RunSnapshot
    from .run import Run

__all__ = ["follow", "wait_async"]


def follow(run: Run, interval: float = 0.5, timeout: float | None = None) -> Iterator[RunSnapshot]:
    """Yield a snapshot now and then every ``interval`` seconds until tracking ends, then the final one.

    Raises ``WaitTimeoutError`` after ``timeout`` seconds, and the polling error if the job
    was lost. Short waits keep Ctrl-C responsive on every platform.
    """
    run.track()
    deadline = None if timeout is None else time.monotonic() + timeout
    while not run.finished:
        yield run.snapshot()
        if deadline is not None and time.monotonic() >= deadline:
            raise WaitTimeoutError(
                f"Stopped waiting for job {run.job_id} after {timeout:g} s; it is still {run.status.value}",
                hint=f"Wait longer with run.wait(), cancel it with {hints.cancel(run.job_id)}, or follow it later "
                f"with {hints.attach(run.job_id)}",
            )
        run.wait_finished(interval if deadline is None else max(0.0, min(interval, deadline - time.monotonic())))
    yield run.snapshot()
    if not run.done and run.last_error is not None:
        raise run.last_error


async def wait_async(run: Run) -> Run:
    """``await run``: resolves once tracking has ended, without blocking the event loop."""
    run.track()
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def resolve() -> None:
        if not future.done():
            future.set_result(None)

    def callback(changed: Run) -> None:
        if changed.finished:
            loop.call_soon_threadsafe(resolve)

    unsubscribe = run.on_change(callback)
    try:
        while not run.finished:  # the timeout catches a finish that raced with the subscription
            try:
                await asyncio.wait_for(asyncio.shield(future), timeout=1.0)
            except asyncio.TimeoutError:
                continue
    finally:
        unsubscribe()
    if not run.done and run.last_error is not None:
        raise run.last_error
    return run
