"""WORKFLOW_API.md is the reference: every endpoint of its section 2 has a client method that sends it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fake_api import LoopbackServer
from unstructured_nb import Client

DOC = Path(__file__).resolve().parents[2] / ".." / "shared" / "api" / "WORKFLOW_API.md"
ROW = re.compile(r"^\|\s*(?P<sdk>[^|]+?)\s*\|\s*(?P<method>GET|POST|PUT|DELETE|PATCH)\s+`(?P<path>/api/v1/[^`]*)`\s*\|")
# Endpoints the SDK lacks are named here by path; the others take the SDK method's name.
NOT_IN_SDK = {("GET", "/api/v1/jobs/{job_id}/file-status"): "get_job_file_status"}


def endpoints() -> list[tuple[str, str, str]]:
    """(client method name, HTTP method, path template) for each row of section 2's table."""
    if not DOC.exists():
        pytest.skip(f"the API reference {DOC} is not present (it lives next to the repository, in ../shared/api)")
    text = DOC.read_text()
    section = text.split("## 2.", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        sdk = m["sdk"]
        name = NOT_IN_SDK.get((m["method"], m["path"])) if "not in SDK" in sdk else sdk.split(".")[-1].split()[0]
        assert name, f"no client method known for {line}"
        rows.append((name, m["method"], m["path"]))
    return rows


def test_table_is_parsed() -> None:
    rows = endpoints()
    assert len(rows) >= 16, rows
    assert ("run_workflow", "POST", "/api/v1/workflows/{workflow_id}/run") in rows


def test_every_endpoint_is_sent_by_its_client_method(server: LoopbackServer) -> None:
    wf = server.fake.add_workflow()
    job = server.fake.add_job(wf)
    ids = {"workflow_id": wf["id"], "job_id": job["id"], "template_id": "hi_res_and_enrichment"}
    # how to call each method with real ids; the method name comes from the document
    invocations: dict[str, Callable[[Client], Any]] = {
        "run_workflow": lambda c: c.run_workflow(ids["workflow_id"], files=[("a.txt", b"a")]),
        "list_workflows": lambda c: c.list_workflows(),
        "get_workflow": lambda c: c.get_workflow(ids["workflow_id"]),
        "create_workflow": lambda c: c.create_workflow("made"),
        "update_workflow": lambda c: c.update_workflow(ids["workflow_id"], name="renamed"),
        "delete_workflow": lambda c: c.delete_workflow(ids["workflow_id"]),
        "list_jobs": lambda c: c.list_jobs(),
        "get_job": lambda c: c.get_job(ids["job_id"]),
        "create_job": lambda c: c.create_job(template_id=ids["template_id"], files=[("a.txt", b"a")]),
        "cancel_job": lambda c: c.cancel_job(ids["job_id"]),
        "get_job_details": lambda c: c.get_job_details(ids["job_id"]),
        "get_job_failed_files": lambda c: c.get_job_failed_files(ids["job_id"]),
        "download_job_output": lambda c: c.download_job_output(ids["job_id"], "f", None),
        "list_templates": lambda c: c.list_templates(),
        "get_template": lambda c: c.get_template(ids["template_id"]),
        "get_job_file_status": lambda c: c.get_job_file_status(ids["job_id"]),
    }
    rows = endpoints()
    missing = [name for name, _, _ in rows if not callable(getattr(Client, name, None))]
    assert not missing, f"client methods missing for documented endpoints: {missing}"
    # delete last, so the workflow exists for the others
    rows.sort(key=lambda r: r[0] == "delete_workflow")
    with Client(server.url) as client:
        for name, method, template in rows:
            before = len(server.requests)
            try:
                invocations[name](client)
            except Exception:
                pass
            sent = server.requests[before:]
            expected = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)
            assert [(r.method, r.path) for r in sent] == [(method, expected)], name
