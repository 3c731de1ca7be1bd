"""A bounded schemathesis run against a keyed engine's own OpenAPI schema (loaded with the key).

Every operation of the schema, none excluded: 20 generated cases each (reproducible:
``derandomize``), with path ids drawn either by schemathesis (unknown ids: the 404 paths) or
from real objects made first (a workflow, a job with output, a template), so the handlers past
the lookup are fuzzed too. Each response must pass schemathesis' ``not_a_server_error``,
``status_code_conformance``, ``content_type_conformance`` and ``response_schema_conformance``:
a 5xx or an undocumented answer is a bug of the server or its schema. The failures of all
operations are collected and reported together.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from unstructured_nb.local import EngineServer, serve

from ..engine_http import KEY, run, wait_job, workflow_id

pytestmark = pytest.mark.engine

HEADERS = {"unstructured-api-key": KEY}
EXAMPLES = 20


@pytest.fixture(scope="module")
def fuzzed_engine() -> Iterator[EngineServer]:
    """An engine of its own: the run deletes and rewrites workflows the shared fixtures' tests rely on."""
    with tempfile.TemporaryDirectory() as tmp, serve(data_dir=tmp, workers=1, api_key=KEY) as srv:
        yield srv


def _real_ids(http: httpx.Client) -> dict[str, list[str]]:
    """Ids of real objects, by path parameter name: the seeded workflows, a finished job, a template."""
    wf = workflow_id(http)
    job = run(http, wf, [("note.txt", b"A short note for the fuzzed engine.\n\nIt has two paragraphs.")]).json()["id"]
    files = wait_job(http, job)["input_file_ids"]
    templates = [t["id"] for t in http.get("/api/v1/templates").json()]
    workflows = [w["id"] for w in http.get("/api/v1/workflows/").json()]
    return {"workflow_id": workflows, "job_id": [job], "template_id": templates[:2], "file_id": files}


def _new_workflow(url: str) -> str:
    body = {"name": "to delete", "workflow_type": "basic"}
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        return str(http.post("/api/v1/workflows/", json=body).json()["id"])


def test_the_engine_answers_its_own_schema(fuzzed_engine: EngineServer) -> None:
    # imported here, not at collection (a second of every pytest run); in the test extra, so a
    # missing install fails this test rather than skipping it
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    url = fuzzed_engine.url
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        real = _real_ids(http)
    schema = schemathesis.openapi.from_url(url + "/openapi.json", headers=HEADERS)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    by_operation: dict[str, Counter[int]] = defaultdict(Counter)
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(), use_real=st.booleans(), pick=st.integers(0, 3))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any, use_real: bool, pick: int) -> None:
            if use_real and isinstance(case.body, dict) and case.path == "/api/v1/jobs":  # a real template
                case.body["request_data"] = json.dumps({"template_id": real["template_id"][pick % len(real["template_id"])]})
            if use_real and case.path_parameters:
                for name in list(case.path_parameters):
                    if real.get(name):
                        case.path_parameters[name] = real[name][pick % len(real[name])]
                if case.query and "file_id" in case.query:  # the job's own file, so a download succeeds
                    case.query["file_id"] = real["file_id"][0]
                if case.method.upper() == "DELETE":  # a workflow of its own, so the later operations keep theirs
                    case.path_parameters["workflow_id"] = _new_workflow(url)
            response = case.call(base_url=url, headers=HEADERS)
            statuses[response.status_code] += 1
            by_operation[f"{case.method} {case.path}"][response.status_code] += 1
            for check in checks:
                try:
                    case.validate_response(response, checks=[check])
                except BaseException as exc:  # schemathesis raises a FailureGroup (an exception group)
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    failures.append(
                        f"{check.__name__}: {case.method} {case.formatted_path} -> {response.status_code} "
                        f"{first} {response.text[:160]!r}"
                    )

        fuzz()
    for label, seen in by_operation.items():
        print(label, dict(sorted(seen.items())))
    print(f"{operations} operations, {sum(statuses.values())} cases, statuses {dict(sorted(statuses.items()))}")
    assert operations >= 16
    assert sum(statuses.values()) >= operations * 5
    assert not failures, "\n".join(sorted(set(failures))[:30])
    # the engine is still fine after the run
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:
        assert http.get("/healthz").status_code == 200
