"""validate_workflow_nodes and run_node: what the local engine accepts, normalizes and refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from unstructured_nb.local.nodes import SUPPORTED_EXTENSIONS, NodeOutput, prepare_nodes, run_node, validate_workflow_nodes

PARTITION = {"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}
CHUNK = {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_title", "settings": {}}


def test_normalizes_names_and_settings_defaults() -> None:
    nodes = validate_workflow_nodes(
        [{"type": "partition", "subtype": "unstructured_api", "id": "n1"}, {"type": "chunk", "subtype": "chunk_by_title"}]
    )
    assert nodes[0] == {
        "type": "partition",
        "subtype": "unstructured_api",
        "id": "n1",
        "name": "Partitioner",
        "settings": {
            "strategy": "fast",
            "include_page_breaks": False,
            "pdf_infer_table_structure": False,
            "xml_keep_tags": False,
            "unique_element_ids": False,
            "exclude_elements": [],
            "encoding": "utf-8",
        },
    }
    assert nodes[1]["name"] == "Chunker"
    assert nodes[1]["settings"] == {
        "max_characters": 500,
        "new_after_n_chars": None,
        "overlap": 0,
        "overlap_all": False,
        "include_orig_elements": False,
        "combine_text_under_n_chars": None,
        "multipage_sections": False,
    }
    character = validate_workflow_nodes([PARTITION, {"type": "chunk", "subtype": "chunk_by_character"}])[1]
    assert "multipage_sections" not in character["settings"]


def test_input_is_not_mutated_and_unknown_settings_are_kept() -> None:
    node = {"type": "partition", "subtype": "vlm", "settings": {"provider": "anthropic", "is_dynamic": True}}
    before = repr(node)
    (clean,) = validate_workflow_nodes([node])
    assert repr(node) == before
    assert clean["settings"]["strategy"] == "vlm" and clean["settings"]["provider"] == "anthropic"
    assert (
        validate_workflow_nodes([{"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "auto"}}])[0][
            "settings"
        ]["strategy"]
        == "auto"
    )
    assert validate_workflow_nodes([]) == []


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ([PARTITION, {"type": "embed", "subtype": "openai"}], r"node 2: unknown embedding provider 'openai'"),
        (
            [PARTITION, {"type": "prompter", "subtype": "openai_image_description"}],
            r"prompter nodes run on the Unstructured Platform only",
        ),
        ([PARTITION, {"type": "enrich", "subtype": "x"}], r"run on the Unstructured Platform only"),
        (
            [PARTITION, {"type": "chunk", "subtype": "chunk_by_similarity"}],
            r"chunk_by_similarity runs on the Unstructured Platform only",
        ),
        ([PARTITION, {"type": "transmogrify", "subtype": "x"}], r"unknown node type 'transmogrify'"),
        ([{"type": "partition", "subtype": "magic"}], r"unknown partitioner subtype 'magic'"),
        ([PARTITION, {"type": "chunk", "subtype": "chunk_by_sentence"}], r"unknown chunker subtype 'chunk_by_sentence'"),
        ([CHUNK, PARTITION], r"node 1 \('Chunker'\): a Chunker needs elements from a Partitioner before it"),
        ([CHUNK], r"a Chunker needs elements from a Partitioner"),
        ([PARTITION, PARTITION], r"node 2 \('Partitioner'\): a workflow has exactly one Partitioner"),
        ([{"type": "chunk"}], r"'subtype' is required"),
        ([{"subtype": "x"}], r"'type' is required"),
        (["partition"], r"node 1 must be an object"),
        ({"type": "partition"}, r"workflow_nodes must be a list"),
    ],
)
def test_rejects_what_cannot_run_locally(nodes: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_workflow_nodes(nodes)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_characters": 0}, r"max_characters must be a positive integer, got 0"),
        ({"max_characters": "500"}, r"max_characters must be a positive integer, got '500'"),
        ({"max_characters": True}, r"max_characters must be a positive integer, got True"),
        ({"max_characters": 10.5}, r"max_characters must be a positive integer"),
        ({"new_after_n_chars": -1}, r"new_after_n_chars must be a non-negative integer, got -1"),
        ({"overlap": 600}, r"overlap \(600\) must be less than max_characters \(500\)"),
        ({"overlap_all": "yes"}, r"overlap_all must be true or false"),
        ({"include_orig_elements": 1}, r"include_orig_elements must be true or false"),
        ({"combine_text_under_n_chars": -5}, r"combine_text_under_n_chars must be a non-negative integer"),
        ({"multipage_sections": None, "max_characters": []}, r"max_characters must be a positive integer"),
        ({"combine_text_under_n_chars": 600}, r"combine_text_under_n_chars \(600\) must not exceed max_characters \(500\)"),
    ],
)
def test_rejects_bad_chunk_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_workflow_nodes([PARTITION, {**CHUNK, "settings": settings}])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"strategy": "turbo"}, r"strategy must be one of fast, hi_res, auto"),
        ({"include_page_breaks": "true"}, r"include_page_breaks must be true or false"),
        ({"exclude_elements": "Title"}, r"exclude_elements must be a list of element types"),
        ({"exclude_elements": ["Titel"]}, r"exclude_elements has unknown element type\(s\) 'Titel'; allowed: Address"),
        ({"encoding": "utf-99"}, r"unknown encoding 'utf-99'"),
        ({"encoding": 8}, r"encoding must be a text encoding name"),
        ({"ocr_languages": "eng"}, r"ocr_languages must be a list of strings"),
    ],
)
def test_rejects_bad_partition_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_workflow_nodes([{**PARTITION, "settings": settings}])


def test_secrets_in_settings_are_never_echoed() -> None:
    node = {"type": "partition", "subtype": "vlm", "settings": {"provider_api_key": "sk-SECRET-123", "strategy": 5}}
    with pytest.raises(ValueError, match="strategy must be one of") as info:
        validate_workflow_nodes([node])
    assert "sk-SECRET-123" not in str(info.value)


def test_run_node_validates_and_returns_node_output(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_text("Heading\n\nThe body of the document is here and it is long enough.\n")
    out = run_node({"type": "partition", "subtype": "unstructured_api"}, path, filename="notes.txt")
    assert isinstance(out, NodeOutput) and out.warnings == []
    chunks = run_node(
        {"type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": 1000}}, out.elements, filename="notes.txt"
    )
    assert [c["type"] for c in chunks.elements] == ["CompositeElement"]
    with pytest.raises(ValueError, match="run on the Unstructured Platform only"):
        run_node({"type": "prompter", "subtype": "x"}, out.elements, filename="notes.txt")
    embedded = run_node({"type": "embed", "subtype": "local"}, chunks.elements, filename="notes.txt")
    assert [len(e["embeddings"]) for e in embedded.elements] == [256] and embedded.warnings == []


def test_prepare_nodes_gives_ids_names_and_subtypes() -> None:
    nodes = prepare_nodes([{"type": "partition", "id": "keep-me"}, {"type": "chunk", "subtype": "chunk_by_page"}])
    assert nodes[0]["id"] == "keep-me" and nodes[0]["name"] == "Partitioner" and nodes[0]["subtype"] == "unstructured_api"
    assert nodes[1]["id"] and nodes[1]["id"] != "keep-me" and nodes[1]["name"] == "Chunker"
    again = prepare_nodes(nodes)
    assert [n["id"] for n in again] == [n["id"] for n in nodes]  # stored nodes keep their ids
    with pytest.raises(ValueError, match="same id"):
        prepare_nodes([{**PARTITION, "id": "x"}, {**CHUNK, "id": "x"}])


def test_supported_extensions() -> None:
    assert {".txt", ".md", ".html", ".pdf", ".docx", ".pptx", ".xlsx", ".csv"} <= SUPPORTED_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in SUPPORTED_EXTENSIONS)
