"""A client of the local engine outlives its engine: stopped, killed or gone idle, the next call finds (or starts) it again."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from tests.local.engine_http import process_alive
from tests.polling import wait_until
from unstructured_nb.client import AsyncClient, Client
from unstructured_nb.local.discovery import ensure_local_engine, stop_local_engine

pytestmark = pytest.mark.engine


def test_a_held_client_follows_its_engine_through_a_crash(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    try:
        with Client(local_data_dir=data_dir) as client:
            first = ensure_local_engine(data_dir).pid
            assert first is not None and {w.name for w in client.list_workflows()} >= {"partition"}
            os.kill(first, signal.SIGKILL)  # a crash: the state file and socket stay behind
            wait_until(lambda: not process_alive(first), 10, what="the engine to die")
            assert {w.name for w in client.list_workflows()} >= {"partition"}  # started again by this call
            assert ensure_local_engine(data_dir).pid != first
    finally:
        stop_local_engine(data_dir)


def test_an_async_client_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    async def main() -> list[str]:
        async with AsyncClient(local_data_dir=data_dir) as client:
            await client.list_workflows()
            stop_local_engine(data_dir)  # `unstructured-nb stop`, or the idle exit
            return [w.name for w in await client.list_workflows()]

    try:
        assert "partition" in asyncio.run(main())
    finally:
        stop_local_engine(data_dir)
