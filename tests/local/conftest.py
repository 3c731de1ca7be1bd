"""Fixtures for the local engine tests: in-process engines on temporary data dirs, HTTP and SDK clients.

The engine fixtures are session-wide (starting one costs worker processes): only tests
marked ``engine`` may use them. Helpers to run workflows and wait for jobs are in
:mod:`tests.local.engine_http`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from unstructured_nb.local import EngineServer, serve

from .engine_http import KEY, sdk_client


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    """A keyless engine with 2 workers and a 1 MB upload limit, shared by the tests."""
    with serve(data_dir=tmp_path_factory.mktemp("engine-data"), workers=2, max_upload_bytes=1024 * 1024) as srv:
        yield srv


@pytest.fixture(scope="session")
def keyed_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    """An engine that requires the API key :data:`KEY`."""
    with serve(data_dir=tmp_path_factory.mktemp("keyed-data"), workers=1, api_key=KEY) as srv:
        yield srv


@pytest.fixture
def http(engine: EngineServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.url, timeout=30) as c:
        yield c


@pytest.fixture
def sdk(engine: EngineServer) -> Any:
    return sdk_client(engine.url)
