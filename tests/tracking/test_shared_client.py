"""The shared client of the magic and panel follows the local engine when it is restarted."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstructured_nb import tracking
from unstructured_nb.local.discovery import stop_local_engine


def test_a_stopped_local_engine_is_replaced_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSTRUCTURED_NB_DATA_DIR", str(tmp_path / "engine"))
    monkeypatch.setattr(tracking, "_CLIENTS", {})
    try:
        first = tracking.get_client()
        assert first.is_local and tracking.get_client() is first  # shared while its engine serves
        assert {w.name for w in first.list_workflows()} >= {"partition", "partition-and-chunk"}

        assert stop_local_engine(tmp_path / "engine")  # `unstructured-nb stop`, or a crash
        second = tracking.get_client()
        assert second is not first and second.is_local
        assert {w.name for w in second.list_workflows()} >= {"partition", "partition-and-chunk"}
    finally:
        stop_local_engine(tmp_path / "engine")
