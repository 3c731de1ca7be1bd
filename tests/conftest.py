"""Session-wide isolation: no test talks to a real platform or touches the user's data dir."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory):
    saved = {k: os.environ.get(k) for k in ("UNSTRUCTURED_API_URL", "UNSTRUCTURED_API_KEY", "UNSTRUCTURED_NB_DATA_DIR")}
    os.environ.pop("UNSTRUCTURED_API_URL", None)
    os.environ.pop("UNSTRUCTURED_API_KEY", None)
    os.environ["UNSTRUCTURED_NB_DATA_DIR"] = str(tmp_path_factory.mktemp("engine-data"))
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
