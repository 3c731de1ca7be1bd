"""The shared client of the magic, panel and terminal: one per URL and key, following a restarted local engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstructured_nb.config import ENV_DATA_DIR
from unstructured_nb.local.discovery import stop_local_engine
from unstructured_nb.runs import shared_client

pytestmark = pytest.mark.engine


def test_a_stopped_local_engine_is_replaced_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "engine"))
    try:
        first = shared_client()
        assert first.is_local and shared_client() is first  # shared while its engine serves
        assert {w.name for w in first.list_workflows()} >= {"partition", "partition-and-chunk"}

        assert stop_local_engine(tmp_path / "engine")  # `unstructured-nb stop`, or a crash
        second = shared_client()  # starts the engine again, on the same Unix socket
        assert second is first and second.is_local
        assert {w.name for w in second.list_workflows()} >= {"partition", "partition-and-chunk"}
    finally:
        stop_local_engine(tmp_path / "engine")


def test_one_client_per_url_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSTRUCTURED_API_KEY", raising=False)
    a = shared_client("http://127.0.0.1:9/", "key-one-123456")
    assert shared_client("http://127.0.0.1:9/api/v1", "key-one-123456") is a  # the same base URL
    assert shared_client("http://127.0.0.1:9", "key-two-123456") is not a
    assert "key-one" not in repr(a)
