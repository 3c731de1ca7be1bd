"""The models parse what the platform sends, and what it may send in the future."""

from __future__ import annotations

from datetime import timedelta

import httpx

from unstructured_nb import Client, FailedFile, Job, JobDetails, JobProcessingStatus, JobStatus, Workflow


def _client(payload: object) -> Client:
    return Client("http://api.test", transport=httpx.MockTransport(lambda r: httpx.Response(200, json=payload)))


def test_job_with_unknown_fields_and_status() -> None:
    raw = {
        "id": "j1",
        "workflow_id": "w1",
        "workflow_name": "wf",
        "status": "PAUSED_FOR_REVIEW",
        "created_at": "2026-03-01T10:00:00Z",
        "runtime": "PT1M2.5S",
        "job_type": "on_demand",
        "brand_new_field": {"x": 1},
    }
    job = _client(raw).get_job("j1")
    assert isinstance(job, Job)
    assert job.status == "PAUSED_FOR_REVIEW" and not job.status.known and not job.status.is_terminal
    assert job.extra == {"brand_new_field": {"x": 1}}
    assert job.created_at is not None and job.created_at.utcoffset() == timedelta(0)
    assert job.runtime_seconds == 62.5 and job.job_type == "on_demand"
    assert job.input_file_ids == () and job.output_node_files == ()


def test_job_lowercase_status_and_nulls() -> None:
    job = Job.from_api(
        {
            "id": "j",
            "workflow_id": "w",
            "workflow_name": "n",
            "status": "completed",
            "created_at": "2026-03-01T10:00:00",
            "output_node_files": None,
            "input_file_ids": None,
        }
    )
    assert job.status is JobStatus.COMPLETED and job.done
    assert job.created_at is not None and job.created_at.tzinfo is not None  # naive taken as UTC


def test_workflow_with_unknown_type_and_extra_node_fields() -> None:
    raw = [
        {
            "id": "w1",
            "name": "n",
            "sources": [],
            "destinations": [],
            "status": "active",
            "workflow_type": "template",
            "created_at": "2026-03-01T10:00:00+02:00",
            "workflow_nodes": [{"name": "P", "type": "partition", "subtype": "vlm", "settings": {"a": 1}, "future": True}],
            "schedule": {"crontab_entries": [{"cron_expression": "0 0 * * *"}]},
            "new_flag": 3,
        }
    ]
    (wf,) = _client(raw).list_workflows()
    assert isinstance(wf, Workflow) and wf.workflow_type == "template" and wf.extra == {"new_flag": 3}
    assert wf.workflow_nodes[0].settings == {"a": 1} and wf.workflow_nodes[0].extra == {"future": True}
    assert wf.schedule == {"crontab_entries": [{"cron_expression": "0 0 * * *"}]}


def test_details_and_failed_files() -> None:
    details = _client(
        {
            "id": "j",
            "processing_status": "PARTIALLY_DONE",
            "node_stats": [{"node_name": "p", "ready": 1, "in_progress": 2, "success": 3, "failure": 4, "retries": 9}],
        }
    ).get_job_details("j")
    assert isinstance(details, JobDetails)
    assert details.processing_status == "PARTIALLY_DONE" and not details.processing_status.known
    assert details.node_stats[0].failure == 4 and details.node_stats[0].extra == {"retries": 9}
    assert JobProcessingStatus("success") is JobProcessingStatus.SUCCESS
    failed = _client({"failed_files": [{"document": "a.pdf", "error": "bad", "code": 7}]}).get_job_failed_files("j")
    assert failed == [FailedFile(document="a.pdf", error="bad")] and failed[0].extra == {"code": 7}
