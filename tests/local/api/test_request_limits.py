"""Request limits: huge JSON bodies, form fields by the thousand, and too many files answer 413 with a clear message."""

from __future__ import annotations

import json

import httpx
import pytest

from unstructured_nb.local import EngineServer
from unstructured_nb.local.limits import MAX_FIELDS, MAX_JSON_BYTES

from ..engine_http import workflow_id
from ..samples import sample

pytestmark = pytest.mark.engine


def _workflows(http: httpx.Client) -> int:
    return len(http.get("/api/v1/workflows/").json())


def test_a_huge_json_body_is_413(http: httpx.Client) -> None:
    before = _workflows(http)
    body = json.dumps({"name": "x" * (MAX_JSON_BYTES + 10), "workflow_type": "custom", "workflow_nodes": []})
    r = http.post("/api/v1/workflows/", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "multipart" in r.json()["detail"]

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(3):
            yield b"y" * MAX_JSON_BYTES
        yield b'"}'

    r = http.post("/api/v1/workflows/", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert _workflows(http) == before
    small = http.post("/api/v1/workflows/", json={"name": "small", "workflow_type": "custom", "workflow_nodes": []})
    assert small.status_code == 422  # a small body reaches the API (which answers on its content)


def test_too_many_form_fields_is_413(http: httpx.Client, engine: EngineServer) -> None:
    wf = workflow_id(http)
    files: list[tuple[str, tuple[str | None, bytes | str]]] = [(f"f{i}", (None, "v")) for i in range(MAX_FIELDS + 1)]
    files.append(("input_files", ("a.txt", sample(".txt"))))
    r = http.post(f"/api/v1/workflows/{wf}/run", files=files)
    assert r.status_code == 413 and "form fields" in r.json()["detail"]


def test_large_fields_together_are_413(http: httpx.Client) -> None:
    wf = workflow_id(http)
    files: list[tuple[str, tuple[str | None, bytes | str]]] = [(f"f{i}", (None, "v" * 900_000)) for i in range(4)]
    files.append(("input_files", ("a.txt", sample(".txt"))))
    r = http.post(f"/api/v1/workflows/{wf}/run", files=files)
    assert r.status_code == 413 and "together" in r.json()["detail"]
