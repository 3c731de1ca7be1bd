"""On-demand jobs on the local engine through the official SDK: templates, nodes, the embed node, the platform's limits."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from unstructured_client.models import errors

from tests.local.engine_http import sdk_client, wait_job
from tests.polling import wait_until
from unstructured_nb.local import EngineServer, serve
from unstructured_nb.local.embed_model import embed_texts
from unstructured_nb.quotas import OnDemandLimits

pytestmark = pytest.mark.engine

LIMITS = OnDemandLimits(files_per_job=3, bytes_per_file=4000, launch_interval=0.3, max_running=1)
NOTES = b"# Harbor survey\n\nThe team counted shorebirds at Reed Inlet.\n\n## Boats\n\nAna books the boat for June.\n"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    with serve(data_dir=tmp_path_factory.mktemp("on-demand"), workers=1, on_demand_limits=LIMITS, file_delay=0.2) as srv:
        yield srv


@pytest.fixture
def sdk(engine: EngineServer) -> Any:
    return sdk_client(engine.url)


@pytest.fixture
def http(engine: EngineServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.url, timeout=30) as c:
        yield c


def create(sdk: Any, request_data: dict[str, Any], files: list[tuple[str, bytes]]) -> Any:
    time.sleep(LIMITS.launch_interval)  # these tests are not about spacing: stay within it
    body = {"request_data": json.dumps(request_data), "input_files": [{"content": c, "file_name": n} for n, c in files]}
    return sdk.jobs.create_job(request={"body_create_job": body}).job_information


def outputs(sdk: Any, http: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    wait_job(http, job_id)
    job = sdk.jobs.get_job(request={"job_id": job_id}).job_information
    assert str(job.status.value) == "COMPLETED"
    return sdk.jobs.download_job_output(request={"job_id": job_id, "file_id": job.input_file_ids[0]}).any


def test_templates_list_and_get(sdk: Any) -> None:
    listed = {t.id: t for t in sdk.templates.list_templates(request={}).response_list_templates}
    assert {"partition", "partition-and-chunk", "chunk-and-embed"} <= set(listed)
    detail = sdk.templates.get_template(request={"template_id": "chunk-and-embed"}).template_detail
    assert [(n.type, n.subtype) for n in detail.nodes] == [
        ("partition", "unstructured_api"),
        ("chunk", "chunk_by_title"),
        ("embed", "local"),
    ]
    with pytest.raises(errors.SDKError) as missing:
        sdk.templates.get_template(request={"template_id": "hi_res_and_enrichment"})
    assert missing.value.status_code == 404 and "chunk-and-embed" in missing.value.body


def test_a_template_job_embeds_every_chunk_deterministically(sdk: Any, http: httpx.Client) -> None:
    first = outputs(sdk, http, create(sdk, {"template_id": "chunk-and-embed"}, [("notes.md", NOTES)]).id)
    again = outputs(sdk, http, create(sdk, {"template_id": "chunk-and-embed"}, [("notes.md", NOTES)]).id)
    assert first and all(el["type"] == "CompositeElement" for el in first)
    assert all(len(el["embeddings"]) == 256 for el in first)  # one vector per element, 256 floats
    assert [el["embeddings"] for el in first] == [el["embeddings"] for el in again]
    assert first[0]["embeddings"] == pytest.approx(embed_texts([first[0]["text"]])[0])


def test_a_platform_subtype_is_emulated_with_a_note(sdk: Any, http: httpx.Client) -> None:
    nodes = [
        {"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}},
        {"type": "chunk", "subtype": "chunk_by_character", "settings": {"max_characters": 300}},
        {"type": "embed", "subtype": "voyageai", "settings": {"model_name": "voyage-3"}},
    ]
    job = create(sdk, {"job_nodes": nodes}, [("notes.md", NOTES)])
    elements = outputs(sdk, http, job.id)
    assert all(len(el["embeddings"]) == 256 for el in elements)
    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert "voyageai (voyage-3) is emulated" in (details.message or "") and "not voyage-3's 1024" in details.message


def test_the_chunk_size_rule_for_embedders(sdk: Any) -> None:
    nodes = [
        {"type": "partition", "subtype": "unstructured_api"},
        {"type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": 2000}},
        {"type": "embed", "subtype": "bedrock", "settings": {"model_name": "cohere.embed-english-v3"}},
    ]
    with pytest.raises(errors.HTTPValidationError) as info:
        create(sdk, {"job_nodes": nodes}, [("notes.md", NOTES)])
    assert "over the limit of 1792" in info.value.data.detail[0].msg
    with pytest.raises(errors.HTTPValidationError, match="needs a Chunker"):
        create(sdk, {"job_nodes": [nodes[0], nodes[2]]}, [("notes.md", NOTES)])
    with pytest.raises(errors.HTTPValidationError, match="unknown embedding provider"):
        create(sdk, {"job_nodes": [nodes[0], nodes[1], {"type": "embed", "subtype": "openai"}]}, [("notes.md", NOTES)])


def test_the_limits_on_files_sizes_launches_and_running_jobs(sdk: Any, http: httpx.Client, engine: EngineServer) -> None:
    request_data = {"template_id": "partition"}
    with pytest.raises(errors.SDKError) as many:
        create(sdk, request_data, [(f"n{i}.md", NOTES) for i in range(4)])
    assert many.value.status_code == 400 and "at most 3 files" in many.value.body
    with pytest.raises(errors.SDKError) as big:
        create(sdk, request_data, [("big.md", b"x" * 5000)])
    assert big.value.status_code == 413
    first = create(sdk, request_data, [("a.md", NOTES), ("b.md", NOTES), ("c.md", NOTES)])
    soon = http.post("/api/v1/jobs/", data={"request_data": json.dumps(request_data)}, files={"input_files": ("d.md", NOTES)})
    assert soon.status_code == 429 and float(soon.headers["Retry-After"]) >= 1
    second = create(sdk, request_data, [("d.md", NOTES)])
    # one job runs at a time here: the second waits SCHEDULED until the first ends
    assert str(sdk.jobs.get_job(request={"job_id": second.id}).job_information.status.value) == "SCHEDULED"
    wait_job(http, first.id)
    wait_job(http, second.id)
    wait_until(lambda: engine.engine.on_demand.waiting() == 0, timeout=10)
