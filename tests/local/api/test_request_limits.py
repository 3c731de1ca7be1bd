"""Request limits: huge JSON bodies, form fields by the thousand, and too many files answer 413 with a clear message."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from unstructured_nb.local import EngineServer
from unstructured_nb.local.api.json_depth import MAX_JSON_DEPTH, json_depth
from unstructured_nb.local.api.upload_receiver import MAX_BOUNDARY
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

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
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


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def _run_body(boundary: str) -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="input_files"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        f"hello\r\n--{boundary}--\r\n"
    ).encode()


@pytest.mark.parametrize("depth", [900, MAX_JSON_DEPTH + 1])
def test_settings_nested_too_deep_are_422_not_500(http: httpx.Client, depth: int) -> None:
    before = _workflows(http)
    node = '{"name": "p", "type": "partition", "subtype": "unstructured_api", "settings": ' + _nested(depth) + "}"
    body = '{"name": "deep", "workflow_type": "custom", "workflow_nodes": [' + node + "]}"
    for path in ("/api/v1/workflows/", "/api/v1/jobs/"):
        r = http.post(path, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert "nested more than" in r.json()["detail"]
    # the same inside the on-demand job's request_data form field
    request_data = '{"job_nodes": [' + node + "]}"
    files: dict[str, tuple[str | None, bytes | str]] = {
        "request_data": (None, request_data),
        "input_files": ("a.txt", sample(".txt")),
    }
    r = http.post("/api/v1/jobs/", files=files)
    assert r.status_code == 422, r.text
    assert "nested more than" in json.dumps(r.json())
    assert _workflows(http) == before
    assert http.get("/healthz").status_code == 200  # and the engine still answers


def test_shallow_settings_and_brackets_inside_strings_still_reach_the_api(http: httpx.Client) -> None:
    settings = {"deep": json.loads(_nested(MAX_JSON_DEPTH - 5)), "text": "[" * 500 + "{" * 500}
    body = {"name": "ok", "workflow_type": "custom", "workflow_nodes": [{"settings": settings}]}
    r = http.post("/api/v1/workflows/", json=body)
    assert r.status_code != 500 and "nested more than" not in r.text


def test_json_depth_counts_brackets_outside_strings_only() -> None:
    assert json_depth(_nested(900)) == MAX_JSON_DEPTH + 1  # stops counting past the limit
    assert json_depth(_nested(900), stop_at=10_000) == 900
    assert json_depth('{"a": "[[[{{{", "b": [1, [2]]}') == 3
    assert json_depth(r'["\"[[[", {"x": "\\"}]') == 2
    assert json_depth(b"[]") == 1 and json_depth("") == 0 and json_depth("12") == 0


@pytest.mark.parametrize("path", ["workflow", "/api/v1/jobs/"])
def test_a_2000_character_multipart_boundary_is_400_not_500(http: httpx.Client, path: str) -> None:
    url = f"/api/v1/workflows/{workflow_id(http)}/run" if path == "workflow" else path
    boundary = "b" * 2000
    r = http.post(url, content=_run_body(boundary), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 400, r.text
    assert "boundary is 2000 characters" in r.json()["detail"]
    ok = "c" * MAX_BOUNDARY  # the longest accepted boundary parses
    r = http.post(url, content=_run_body(ok), headers={"Content-Type": f"multipart/form-data; boundary={ok}"})
    assert r.status_code != 500 and "boundary" not in r.text, r.text
