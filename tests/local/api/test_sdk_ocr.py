"""OCR through the API with the official SDK: an image, an image-only PDF and a mixed PDF; fast refuses images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.local.engine_http import wait_job
from tests.local.ocr.pages import cer, make_page
from tests.local.partition.test_pdf_strategy import mixed_pdf, top

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def _workflow(sdk: Any, strategy: str) -> str:
    created = sdk.workflows.create_workflow(
        request={
            "create_workflow": {
                "name": f"ocr {strategy}",
                "workflow_type": "custom",
                "workflow_nodes": [
                    {
                        "name": "Partitioner",
                        "type": "partition",
                        "subtype": "unstructured_api",
                        "settings": {"strategy": strategy},
                    }
                ],
            }
        }
    ).workflow_information
    return str(created.id)


def test_image_scanned_pdf_and_mixed_pdf_through_the_sdk(sdk: Any, http: httpx.Client, tmp_path: Path) -> None:
    scan, scan_text = top(make_page(21))
    png = io.BytesIO()
    scan.save(png, "PNG")  # type: ignore[attr-defined]
    scanned = io.BytesIO()
    scan.save(scanned, "PDF", resolution=300)  # type: ignore[attr-defined]
    mixed = mixed_pdf(tmp_path / "mixed.pdf", scan).read_bytes()
    files = [
        {"content": png.getvalue(), "file_name": "scan.png"},
        {"content": scanned.getvalue(), "file_name": "scan.pdf"},
        {"content": mixed, "file_name": "mixed.pdf"},
    ]
    wf = _workflow(sdk, "auto")
    try:
        job = sdk.workflows.run_workflow(request={"workflow_id": wf, "body_run_workflow": {"input_files": files}}).job_information
        wait_job(http, job.id, timeout=240)
    finally:  # the engine is shared: other tests list its workflows
        sdk.workflows.delete_workflow(request={"workflow_id": wf})
    done = sdk.jobs.get_job(request={"job_id": job.id}).job_information
    failed = sdk.jobs.get_job_failed_files(request={"job_id": job.id}).job_failed_files.failed_files
    assert failed == [], [(f.document, f.error) for f in failed]
    outputs = {}
    for file_id in done.input_file_ids:
        elements = sdk.jobs.download_job_output(request={"job_id": job.id, "file_id": file_id}).any
        outputs[elements[0]["metadata"]["filename"]] = elements
    for name, bound in (("scan.png", 0.02), ("scan.pdf", 0.05)):
        elements = outputs[name]
        assert cer(scan_text, "\n".join(e["text"] for e in elements)) <= bound, name
        assert all(e["metadata"]["coordinates"]["system"] == "PixelSpace" for e in elements)
    assert outputs["scan.png"][0]["metadata"]["coordinates"]["layout_width"] == scan.size[0]  # type: ignore[attr-defined]
    assert {e["metadata"]["page_number"] for e in outputs["mixed.pdf"]} == {1, 2, 3}
    assert all("coordinates" in e["metadata"] for e in outputs["mixed.pdf"])


def test_fast_on_an_image_fails_clearly_through_the_sdk(sdk: Any, http: httpx.Client) -> None:
    scan, _ = top(make_page(22))
    png = io.BytesIO()
    scan.save(png, "PNG")  # type: ignore[attr-defined]
    wf = _workflow(sdk, "fast")
    files = [{"content": png.getvalue(), "file_name": "photo.png"}]
    try:
        job = sdk.workflows.run_workflow(request={"workflow_id": wf, "body_run_workflow": {"input_files": files}}).job_information
        wait_job(http, job.id, timeout=120)
    finally:
        sdk.workflows.delete_workflow(request={"workflow_id": wf})
    failed = sdk.jobs.get_job_failed_files(request={"job_id": job.id}).job_failed_files.failed_files
    assert len(failed) == 1 and "fast strategy is not available for image files" in failed[0].error
