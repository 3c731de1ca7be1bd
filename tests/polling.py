"""The one polling helper of the test suite: wait for a condition, bounded, with no fixed sleeps."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T | None],
    timeout: float = 60.0,
    interval: float = 0.02,
    what: str = "condition",
    proc: subprocess.Popen[bytes] | None = None,
) -> T:
    """Call ``predicate`` until it returns something truthy and return that value.

    Fails with an ``AssertionError`` naming ``what`` after ``timeout`` seconds, or as soon as
    ``proc`` (a server the condition depends on) has exited.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"waiting for {what}: the process exited with code {proc.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
