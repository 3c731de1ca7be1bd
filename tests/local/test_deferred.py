"""Writes the database refuses are kept in order and retried until they go through; a bug is not retried."""

from __future__ import annotations

import sqlite3

import pytest

from tests.polling import wait_until
from unstructured_nb.local.deferred import DeferredWrites


def test_refused_writes_are_retried_in_order_until_they_go_through() -> None:
    refusing = True
    done: list[int] = []

    def write(n: int) -> None:
        if refusing:
            raise sqlite3.OperationalError("database or disk is full")
        done.append(n)

    deferred = DeferredWrites(interval=0.05)
    for n in range(3):
        deferred.run(f"write {n}", lambda n=n: write(n))  # type: ignore[misc]
    assert deferred.pending == 3 and done == []
    refusing = False
    wait_until(lambda: deferred.pending == 0, 5, what="the kept writes to go through")
    assert done == [0, 1, 2]
    deferred.run("write 3", lambda: write(3))  # nothing waits: done at once
    assert done == [0, 1, 2, 3] and deferred.last_error is None
    assert deferred.close()


def test_a_bug_is_raised_not_kept() -> None:
    deferred = DeferredWrites(interval=0.05)

    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        deferred.run("broken", broken)
    assert deferred.pending == 0
