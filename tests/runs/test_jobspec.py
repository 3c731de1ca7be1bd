"""Job nodes from options, from a file or a list, and templates by id or name: what each on-demand front end sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.errors import UsageError, WorkflowLookupError
from unstructured_nb.runs import JobSpec, job_spec, load_nodes, nodes_from_options, resolve_template
from unstructured_nb.runs.jobspec import describe


def test_options_build_partition_chunk_embed_in_order() -> None:
    nodes = nodes_from_options(strategy="hi_res", chunk="by_title", max_characters=1000, embed="default", local=True)
    assert [(n["type"], n["subtype"]) for n in nodes] == [
        ("partition", "unstructured_api"),
        ("chunk", "chunk_by_title"),
        ("embed", "local"),
    ]
    assert nodes[0]["settings"] == {"strategy": "hi_res"} and nodes[1]["settings"] == {"max_characters": 1000}
    assert nodes[2]["settings"] == {"model_name": "wordllama-l2-supercat-256"}
    assert describe(nodes) == "partition hi_res -> chunk_by_title 1000 -> embed local"


def test_embed_default_is_the_platforms_model_on_the_platform() -> None:
    nodes = nodes_from_options(chunk="chunk_by_character", embed="default", local=False)
    assert nodes[-1] == {
        "name": "Embedder",
        "type": "embed",
        "subtype": "azure_openai",
        "settings": {"model_name": "text-embedding-3-small"},
    }
    assert nodes_from_options(chunk="by_page", embed="voyage-3")[-1]["subtype"] == "voyageai"
    assert nodes_from_options(chunk="by_page", embed="ibm/ibm/slate-30m-english-rtrvr-v2")[-1]["settings"] == {
        "model_name": "ibm/slate-30m-english-rtrvr-v2"
    }
    assert nodes_from_options(strategy="vlm")[0]["subtype"] == "vlm"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"strategy": "ocr"}, "Unknown strategy"),
        ({"chunk": "by_sentence"}, "Unknown chunker"),
        ({"max_characters": 500}, "add --chunk"),
        ({"embed": "default"}, "needs chunks"),
        ({"chunk": "by_title", "max_characters": 0}, "positive"),
        ({"chunk": "by_title", "overlap": 600}, "less than --max-characters"),
        ({"chunk": "by_title", "embed": "openai"}, "Unknown embedding provider"),
        ({"chunk": "by_title", "max_characters": 2000, "embed": "bedrock/cohere.embed-english-v3"}, "limit of 1792"),
        ({"chunk": "by_title", "embed": "local", "local": False}, "local engine only"),
    ],
)
def test_bad_options_are_refused_with_what_to_do(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        nodes_from_options(**options)  # type: ignore[arg-type]  # each case's keywords


def test_nodes_from_a_file_or_a_list(tmp_path: Path) -> None:
    nodes = [{"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}]
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps(nodes))
    assert load_nodes(path) == nodes == load_nodes(nodes)
    path.write_text(json.dumps({"workflow_nodes": nodes}))
    assert load_nodes(str(path)) == nodes
    path.write_text("[{oops")
    with pytest.raises(UsageError, match="not valid JSON"):
        load_nodes(path)
    with pytest.raises(UsageError, match="not found"):
        load_nodes(tmp_path / "missing.json")
    with pytest.raises(UsageError, match=r"Node 1 .* must be an object with a 'type'"):
        load_nodes([{"subtype": "x"}])
    with pytest.raises(UsageError, match="non-empty list"):
        load_nodes([])


def test_templates_by_id_or_name_with_close_matches() -> None:
    fake = FakeAPI()
    with fake.client() as client:
        assert resolve_template(client, "hi_res_and_enrichment")["name"] == "High res"
        assert resolve_template(client, " high res ")["id"] == "hi_res_and_enrichment"
        with pytest.raises(WorkflowLookupError, match="Did you mean 'hi_res_and_enrichment'"):
            resolve_template(client, "hi_res_and_enrich")
        spec = job_spec(client, template="High res")
    assert spec == JobSpec(name="High res", template_id="hi_res_and_enrichment")


def test_job_spec_needs_exactly_one_description() -> None:
    with Client("http://127.0.0.1:9") as client:  # never contacted
        assert job_spec(client).job_nodes == (
            {"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}},
        )
        with pytest.raises(UsageError, match="Give one of"):
            job_spec(client, nodes=[{"type": "partition"}], chunk="by_title")
    with pytest.raises(ValueError, match="exactly one"):
        JobSpec(name="x")
