"""Test-session isolation, for tests/ and the nbval notebooks alike.

No test talks to a real platform or touches the user's data: the key and URL are
removed from the environment and the local engine gets a fresh data dir. Kernels
started by nbval and nbclient inherit this environment. Any local engine started
in that data dir is stopped when the session ends.
"""

from __future__ import annotations

import os
import tempfile

_SAVED: dict[str, str | None] = {}


def pytest_configure(config):
    for key in ("UNSTRUCTURED_API_URL", "UNSTRUCTURED_API_KEY", "UNSTRUCTURED_NB_DATA_DIR", "UNSTRUCTURED_NB_NONINTERACTIVE"):
        _SAVED[key] = os.environ.get(key)
    os.environ.pop("UNSTRUCTURED_API_URL", None)
    os.environ.pop("UNSTRUCTURED_API_KEY", None)
    os.environ.pop("UNSTRUCTURED_NB_NONINTERACTIVE", None)
    os.environ["UNSTRUCTURED_NB_DATA_DIR"] = tempfile.mkdtemp(prefix="unstructured-nb-test-data-")


def pytest_collection_modifyitems(config, items):
    # nbval runs each tutorial cell in a real kernel: those items are kernel tests
    import pytest

    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.kernel)


def pytest_unconfigure(config):
    data_dir = os.environ.get("UNSTRUCTURED_NB_DATA_DIR")
    try:
        from unstructured_nb.local.discovery import stop_local_engine
    except ImportError:
        pass
    else:
        if data_dir:
            stop_local_engine(data_dir)
    for key, value in _SAVED.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
