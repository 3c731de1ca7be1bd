"""The official unstructured-client SDK drives the local engine through the whole flow (it parses every answer)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from unstructured_client.models import errors, shared

from tests.local.engine_http import wait_job
from tests.local.samples import can_generate, sample
from unstructured_nb.local.nodes import SUPPORTED_EXTENSIONS
from unstructured_nb.local.partition import IMAGE_EXTENSIONS

pytestmark = pytest.mark.engine


def _status(job: Any) -> str:
    return str(job.status.value if hasattr(job.status, "value") else job.status)


def _wait(sdk: Any, http: httpx.Client, job_id: str) -> Any:
    """Poll over plain HTTP until the job is final, then read it through the SDK."""
    wait_job(http, job_id)
    return sdk.jobs.get_job(request={"job_id": job_id}).job_information


def test_seeded_workflows_listed_and_fetched(sdk: Any) -> None:
    wfs = sdk.workflows.list_workflows(request={}).response_list_workflows
    names = [w.name for w in wfs]
    assert names[:2] == ["partition", "partition-and-chunk"]
    chunked = next(w for w in wfs if w.name == "partition-and-chunk")
    assert [n.type for n in chunked.workflow_nodes] == ["partition", "chunk"]
    assert chunked.workflow_nodes[1].subtype == "chunk_by_title"
    got = sdk.workflows.get_workflow(request={"workflow_id": chunked.id}).workflow_information
    assert got.id == chunked.id and got.name == "partition-and-chunk"
    assert got.sources == [] and got.destinations == []


def test_every_supported_type_runs_and_downloads(sdk: Any, http: httpx.Client) -> None:
    # the seeded workflows partition with fast, which refuses images as the platform does
    # (images through OCR: tests/local/api/test_sdk_ocr.py)
    exts = sorted(SUPPORTED_EXTENSIONS - IMAGE_EXTENSIONS)
    missing = [e for e in exts if not can_generate(e)]
    assert not missing, f"no sample generator for {missing}"
    wf = next(w for w in sdk.workflows.list_workflows(request={}).response_list_workflows if w.name == "partition-and-chunk")
    files = [{"content": sample(ext), "file_name": f"doc{ext}"} for ext in exts]
    job = sdk.workflows.run_workflow(request={"workflow_id": wf.id, "body_run_workflow": {"input_files": files}}).job_information
    assert _status(job) in {"SCHEDULED", "IN_PROGRESS", "COMPLETED"}
    assert len(job.input_file_ids) == len(exts)
    done = _wait(sdk, http, job.id)
    failed = sdk.jobs.get_job_failed_files(request={"job_id": job.id}).job_failed_files.failed_files
    assert failed == [], [(f.document, f.error) for f in failed]
    assert _status(done) == "COMPLETED"
    assert done.runtime and done.runtime.startswith("PT")
    # one output per node per file, typed like the platform's
    assert len(done.output_node_files) == 2 * len(exts)
    node_ids = [n.id for n in wf.workflow_nodes]
    assert {(o.file_id, o.node_id) for o in done.output_node_files} == {(f, n) for f in done.input_file_ids for n in node_ids}
    assert {o.node_type for o in done.output_node_files} == {"partition", "chunk"}

    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert details.processing_status == shared.JobProcessingStatus.SUCCESS
    assert [(s.node_type, s.success, s.failure, s.ready, s.in_progress) for s in details.node_stats] == [
        ("partition", len(exts), 0, 0, 0),
        ("chunk", len(exts), 0, 0, 0),
    ]

    for file_id, ext in zip(done.input_file_ids, exts, strict=True):
        last = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": file_id}).any
        assert isinstance(last, list) and last, ext
        assert all(e["type"] in {"CompositeElement", "Table", "TableChunk"} for e in last), ext
        assert last[0]["metadata"]["filename"] == f"doc{ext}"
        first = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": file_id, "node_id": node_ids[0]}).any
        assert first and all(len(e["element_id"]) == 32 for e in first), ext
        explicit_last = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": file_id, "node_id": node_ids[1]}).any
        assert explicit_last == last


def test_create_update_run_delete_workflow(sdk: Any, http: httpx.Client) -> None:
    created = sdk.workflows.create_workflow(
        request={
            "create_workflow": {
                "name": "my chunker",
                "workflow_type": "custom",
                "workflow_nodes": [
                    {
                        "name": "Partitioner",
                        "type": "partition",
                        "subtype": "unstructured_api",
                        "settings": {"strategy": "hi_res"},
                    },
                    {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_character", "settings": {"max_characters": 40}},
                ],
            }
        }
    ).workflow_information
    assert created.name == "my chunker" and len(created.workflow_nodes) == 2
    assert all(n.id for n in created.workflow_nodes)
    renamed = sdk.workflows.update_workflow(
        request={"workflow_id": created.id, "update_workflow": {"name": "renamed"}}
    ).workflow_information
    assert renamed.name == "renamed" and renamed.updated_at is not None
    assert [n.id for n in renamed.workflow_nodes] == [n.id for n in created.workflow_nodes]

    text = ("A sentence that is long enough to be chunked into pieces. " * 6).encode()
    job = sdk.workflows.run_workflow(
        request={"workflow_id": created.id, "body_run_workflow": {"input_files": [{"content": text, "file_name": "long.txt"}]}}
    ).job_information
    done = _wait(sdk, http, job.id)
    assert _status(done) == "COMPLETED" and done.workflow_name == "renamed"
    chunks = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": done.input_file_ids[0]}).any
    assert len(chunks) > 1 and all(len(c["text"]) <= 40 for c in chunks)
    # hi_res cannot run offline: it ran as fast, and the details say so
    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert "hi_res" in (details.message or "")

    listed = sdk.jobs.list_jobs(request={"workflow_id": created.id}).response_list_jobs
    assert [j.id for j in listed] == [job.id]
    assert sdk.jobs.list_jobs(request={"workflow_id": created.id, "status": "completed"}).response_list_jobs[0].id == job.id
    assert sdk.jobs.list_jobs(request={"workflow_id": created.id, "status": "FAILED"}).response_list_jobs == []

    sdk.workflows.delete_workflow(request={"workflow_id": created.id})
    with pytest.raises(errors.SDKError) as err:
        sdk.workflows.get_workflow(request={"workflow_id": created.id})
    assert err.value.status_code == 404
    # the job and its output outlive the workflow
    assert _status(sdk.jobs.get_job(request={"job_id": job.id}).job_information) == "COMPLETED"


def test_failed_file_listed_while_others_succeed(sdk: Any, http: httpx.Client) -> None:
    wf = sdk.workflows.list_workflows(request={}).response_list_workflows[0]
    files = [
        {"content": sample(".txt"), "file_name": "good.txt"},
        {"content": b"%PDF-1.7 this is not really a pdf", "file_name": "broken.pdf"},
    ]
    job = sdk.workflows.run_workflow(request={"workflow_id": wf.id, "body_run_workflow": {"input_files": files}}).job_information
    done = _wait(sdk, http, job.id)
    assert _status(done) == "COMPLETED"
    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert details.processing_status == shared.JobProcessingStatus.COMPLETED_WITH_ERRORS
    assert (details.node_stats[0].success, details.node_stats[0].failure) == (1, 1)
    assert "1 failed" in details.message
    failed = sdk.jobs.get_job_failed_files(request={"job_id": job.id}).job_failed_files.failed_files
    assert [f.document for f in failed] == ["broken.pdf"] and failed[0].error
    assert sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": done.input_file_ids[0]}).any
    with pytest.raises(errors.SDKError) as err:
        sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": done.input_file_ids[1]})
    assert err.value.status_code == 404 and "broken.pdf" in err.value.body


def test_all_files_failing_fails_the_job(sdk: Any, http: httpx.Client) -> None:
    wf = sdk.workflows.list_workflows(request={}).response_list_workflows[0]
    files = [{"content": b"\x00\x01binary", "file_name": "data.bin"}]
    job = sdk.workflows.run_workflow(request={"workflow_id": wf.id, "body_run_workflow": {"input_files": files}}).job_information
    done = _wait(sdk, http, job.id)
    assert _status(done) == "FAILED"
    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert details.processing_status == shared.JobProcessingStatus.FAILED
    failed = sdk.jobs.get_job_failed_files(request={"job_id": job.id}).job_failed_files.failed_files
    assert failed[0].document == "data.bin" and ".bin" in failed[0].error and ".txt" in failed[0].error


def test_malformed_ids_are_422_for_the_sdk(sdk: Any) -> None:
    with pytest.raises(errors.HTTPValidationError) as err:
        sdk.jobs.get_job(request={"job_id": "not-a-uuid"})
    detail = err.value.data.detail
    assert isinstance(detail, list)
    assert detail[0].loc == ["path", "job_id"] and detail[0].msg
    with pytest.raises(errors.HTTPValidationError):
        sdk.jobs.list_jobs(request={"workflow_id": "nope"})
    with pytest.raises(errors.SDKError) as nf:
        sdk.jobs.get_job(request={"job_id": str(uuid.uuid4())})
    assert nf.value.status_code == 404 and json.loads(nf.value.body)["detail"].startswith("Job ")


def test_templates_and_on_demand_job(sdk: Any, http: httpx.Client) -> None:
    templates = sdk.templates.list_templates(request={}).response_list_templates
    assert {t.id for t in templates} == {"partition", "partition-and-chunk", "chunk-and-embed"}
    detail = sdk.templates.get_template(request={"template_id": "partition-and-chunk"}).template_detail
    assert [n.type for n in detail.nodes] == ["partition", "chunk"]
    job = sdk.jobs.create_job(
        request={
            "body_create_job": {
                "request_data": json.dumps(
                    {
                        "job_nodes": [
                            {"name": "P", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}
                        ]
                    }
                ),
                "input_files": [{"content": sample(".md"), "file_name": "notes.md"}],
            }
        }
    ).job_information
    done = _wait(sdk, http, job.id)
    assert _status(done) == "COMPLETED"
    elements = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": done.input_file_ids[0]}).any
    assert elements[0]["type"] == "Title"
