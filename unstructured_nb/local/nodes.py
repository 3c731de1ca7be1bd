"""Workflow nodes the local engine can run: the Partitioner, the Chunker and the Embedder (``embed_node``).

The server validates a workflow's nodes with :func:`validate_workflow_nodes` when it is created
or updated (a ``ValueError`` becomes a 422 with its message), and the worker runs each node on
each file with :func:`run_node`. A file the partitioner cannot process raises
:class:`FileProcessingError`, whose text goes to the job's failed-files list as is.

This module stays import-light: no IPython, pandas or ipywidgets, and each format's library
(pypdf, python-docx, ...) is imported only when a file of that format is partitioned.
"""

from __future__ import annotations

import codecs
import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chunking import ChunkOptions, chunk_elements
from .embed_node import EMBED_SUBTYPES, check_chunk_size, embed_elements, embed_settings
from .partition import FileProcessingError, PartitionSettings, partition_file, supported_extensions

__all__ = [
    "EXCLUDABLE_ELEMENT_TYPES",
    "SUPPORTED_EXTENSIONS",
    "FileProcessingError",
    "NodeOutput",
    "prepare_nodes",
    "run_node",
    "validate_workflow_nodes",
]

SUPPORTED_EXTENSIONS: frozenset[str] = supported_extensions()
"""File extensions (lower case, with the dot) the local partitioner accepts."""

EXCLUDABLE_ELEMENT_TYPES: frozenset[str] = frozenset(
    {
        "Address",
        "EmailAddress",
        "FigureCaption",
        "Footer",
        "Formula",
        "Header",
        "Image",
        "ListItem",
        "NarrativeText",
        "PageBreak",
        "Table",
        "Title",
        "UncategorizedText",
    }
)
"""The platform's allowed values for the partitioner's ``exclude_elements``."""

PARTITION_SUBTYPES = frozenset({"unstructured_api", "vlm", "fast", "hi_res", "auto"})
#: What the local engine OCRs (PDF pages without a text layer, images).
OCR_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".heic", ".heif"})
STRATEGIES = frozenset({"fast", "hi_res", "auto", "ocr_only", "vlm"})
CHUNK_SUBTYPES = frozenset({"chunk_by_character", "chunk_by_title", "chunk_by_page"})
PLATFORM_ONLY_TYPES = frozenset({"prompter", "enrich", "enrichment", "extract", "image_description", "table_description", "ner"})
_DEFAULT_NAMES = {"partition": "Partitioner", "chunk": "Chunker", "embed": "Embedder"}

_PARTITION_BOOLS = {
    "include_page_breaks": False,
    "pdf_infer_table_structure": False,
    "xml_keep_tags": False,
    "unique_element_ids": False,
}
_CHUNK_DEFAULTS: dict[str, Any] = {
    "max_characters": 500,
    "new_after_n_chars": None,
    "overlap": 0,
    "overlap_all": False,
    "include_orig_elements": False,
}
_TITLE_DEFAULTS: dict[str, Any] = {"combine_text_under_n_chars": None, "multipage_sections": False}


@dataclass
class NodeOutput:
    """What a node produced for one file: its elements and any warnings for the job's log."""

    elements: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


# -- validation --------------------------------------------------------------------------------


def validate_workflow_nodes(nodes: Any) -> list[dict[str, Any]]:
    """Check that the local engine can run ``nodes`` (JSON from a request: anything); return normalized copies.

    Normalizing fills in ``name`` and the settings defaults the platform documents (so what is
    stored and shown is what runs). Raises ``ValueError`` with a message naming the node and
    what to change for: a malformed node, an unknown type or subtype, a node that needs the
    platform (embedder, prompter, enrichment, chunk_by_similarity), a chunker before the
    partitioner, two partitioners, and settings of the wrong type or out of range.
    """
    if not isinstance(nodes, list):
        raise ValueError(f"workflow_nodes must be a list of nodes, got {type(nodes).__name__}")
    normalized: list[dict[str, Any]] = []
    partitioner_at: int | None = None
    for index, node in enumerate(nodes):
        clean = _validate_node(node, index)
        where = _where(clean, index)
        if clean["type"] == "partition":
            if partitioner_at is not None:
                raise ValueError(
                    f"{where}: a workflow has exactly one Partitioner, and node {partitioner_at + 1} is already one; "
                    "remove one of them"
                )
            if index != 0:
                raise ValueError(f"{where}: the Partitioner must be the first node of the workflow; move it to the front")
            partitioner_at = index
        elif clean["type"] in ("chunk", "embed") and partitioner_at is None:
            kind = "a Chunker" if clean["type"] == "chunk" else "an Embedder"
            raise ValueError(f"{where}: {kind} needs elements from a Partitioner before it; add a partition node first")
        normalized.append(clean)
    check_chunk_size(normalized)
    return normalized


def _where(node: Mapping[str, Any], index: int) -> str:
    name = node.get("name")
    return f"node {index + 1} ({name!r})" if name else f"node {index + 1}"


def _validate_node(node: Any, index: int) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        raise ValueError(f"node {index + 1} must be an object with name, type, subtype and settings, got {type(node).__name__}")
    node_type = node.get("type")
    subtype = node.get("subtype")
    if not isinstance(node_type, str) or not node_type:
        raise ValueError(f"node {index + 1}: 'type' is required (partition or chunk for the local engine)")
    node_type = node_type.strip().lower()
    where = _where(node, index)
    if node_type in PLATFORM_ONLY_TYPES:
        raise ValueError(
            f"{where}: {node_type} nodes run on the Unstructured Platform only (they need remote models); "
            "the local engine runs partition and chunk nodes. Remove it, or run the workflow on the platform"
        )
    if node_type not in ("partition", "chunk", "embed"):
        raise ValueError(
            f"{where}: unknown node type {node_type!r}; the local engine runs 'partition', 'chunk' and 'embed' nodes"
        )
    if subtype is None and node_type == "partition":
        subtype = "unstructured_api"
    if not isinstance(subtype, str) or not subtype:
        raise ValueError(f"{where}: 'subtype' is required ({_subtypes_hint(node_type)})")
    subtype = subtype.strip()
    name = node.get("name")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"{where}: 'name' must be a string")
    settings = node.get("settings")
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        raise ValueError(f"{where}: 'settings' must be an object, got {type(settings).__name__}")
    clean: dict[str, Any] = {k: copy.deepcopy(v) for k, v in node.items() if k not in ("settings",)}
    clean["type"] = node_type
    clean["subtype"] = subtype
    clean["name"] = name or _DEFAULT_NAMES[node_type]
    if node_type == "partition":
        if subtype not in PARTITION_SUBTYPES:
            raise ValueError(f"{where}: unknown partitioner subtype {subtype!r} ({_subtypes_hint('partition')})")
        clean["settings"] = _partition_settings(settings, subtype, where)
    elif node_type == "embed":
        clean["settings"] = embed_settings(settings, subtype, where)
    else:
        if subtype == "chunk_by_similarity":
            raise ValueError(
                f"{where}: chunk_by_similarity runs on the Unstructured Platform only (it needs an embedding model); "
                "use chunk_by_title, chunk_by_character or chunk_by_page locally"
            )
        if subtype not in CHUNK_SUBTYPES:
            raise ValueError(f"{where}: unknown chunker subtype {subtype!r} ({_subtypes_hint('chunk')})")
        clean["settings"] = _chunk_settings(settings, subtype, where)
    return clean


def _subtypes_hint(node_type: str) -> str:
    if node_type == "embed":
        return f"an embedding provider: {', '.join(EMBED_SUBTYPES)}"
    if node_type == "partition":
        return "use 'unstructured_api' with a strategy fast, hi_res or auto, or 'vlm'"
    return "use chunk_by_title, chunk_by_character or chunk_by_page"


def _partition_settings(settings: Mapping[str, Any], subtype: str, where: str) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in settings.items()}
    strategy = settings.get("strategy")
    if strategy is None:
        strategy = {"vlm": "vlm", "hi_res": "hi_res", "auto": "auto"}.get(subtype, "fast")
    if not isinstance(strategy, str) or strategy.strip().lower() not in STRATEGIES:
        raise ValueError(f"{where}: strategy must be one of fast, hi_res, auto (or vlm), got {_show(strategy)}")
    out["strategy"] = strategy.strip().lower()
    for key, default in _PARTITION_BOOLS.items():
        value = settings.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, bool):
            raise ValueError(f"{where}: {key} must be true or false, got {_show(value)}")
        out[key] = value
    exclude = settings.get("exclude_elements")
    if exclude is None:
        exclude = []
    if isinstance(exclude, str) or not isinstance(exclude, (list, tuple)) or not all(isinstance(x, str) for x in exclude):
        raise ValueError(f"{where}: exclude_elements must be a list of element types, got {_show(exclude)}")
    unknown = [x for x in exclude if x not in EXCLUDABLE_ELEMENT_TYPES]
    if unknown:
        raise ValueError(
            f"{where}: exclude_elements has unknown element type(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(EXCLUDABLE_ELEMENT_TYPES))}"
        )
    out["exclude_elements"] = list(exclude)
    encoding = settings.get("encoding")
    if encoding is None or encoding == "":
        encoding = "utf-8"
    if not isinstance(encoding, str):
        raise ValueError(f"{where}: encoding must be a text encoding name like 'utf-8', got {_show(encoding)}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"{where}: unknown encoding {encoding!r}; use a name like 'utf-8', 'latin-1' or 'cp1252'") from None
    out["encoding"] = encoding
    for key in ("ocr_languages", "languages", "extract_image_block_types"):
        value = settings.get(key)
        if value is not None and (
            isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value)
        ):
            raise ValueError(f"{where}: {key} must be a list of strings, got {_show(value)}")
    return out


def _chunk_settings(settings: Mapping[str, Any], subtype: str, where: str) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in settings.items()}
    defaults = dict(_CHUNK_DEFAULTS)
    if subtype == "chunk_by_title":
        defaults.update(_TITLE_DEFAULTS)
    for key, default in defaults.items():
        value = settings.get(key)
        if value is None:
            out[key] = default
            continue
        if key in ("overlap_all", "include_orig_elements", "multipage_sections"):
            if not isinstance(value, bool):
                raise ValueError(f"{where}: {key} must be true or false, got {_show(value)}")
        elif isinstance(value, bool) or not isinstance(value, int):
            kind = "a positive integer" if key == "max_characters" else "a non-negative integer"
            raise ValueError(f"{where}: {key} must be {kind}, got {_show(value)}")
        elif key == "max_characters" and value <= 0:
            raise ValueError(f"{where}: max_characters must be a positive integer, got {value}")
        elif value < 0:
            raise ValueError(f"{where}: {key} must be a non-negative integer, got {value}")
        out[key] = value
    if out["overlap"] >= out["max_characters"]:
        raise ValueError(f"{where}: overlap ({out['overlap']}) must be less than max_characters ({out['max_characters']})")
    combine = out.get("combine_text_under_n_chars")
    if subtype == "chunk_by_title" and combine is not None and combine > out["max_characters"]:
        # the library refuses this too; saying so here beats a failure on every file
        raise ValueError(
            f"{where}: combine_text_under_n_chars ({combine}) must not exceed max_characters ({out['max_characters']})"
        )
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def prepare_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a workflow or job stores: :func:`validate_workflow_nodes`' copies, each with an id, a name and a subtype.

    Raises ``ValueError`` as :func:`validate_workflow_nodes` does, and for two nodes with one id.
    """
    normalized = validate_workflow_nodes([dict(n) for n in nodes])
    out = []
    for node in normalized:
        node = dict(node)
        if not node.get("id") or not isinstance(node.get("id"), str):
            node["id"] = str(uuid.uuid4())
        node["name"] = str(node.get("name") or node.get("type") or "")
        node["subtype"] = str(node.get("subtype") or "")
        out.append(node)
    ids = [n["id"] for n in out]
    if len(set(ids)) != len(ids):
        raise ValueError("Two workflow nodes have the same id; node ids must be unique.")
    return out


# -- running -----------------------------------------------------------------------------------


def run_node(
    node: Mapping[str, Any],
    data: Path | list[dict[str, Any]],
    *,
    filename: str,
    last_modified: str | None = None,
) -> NodeOutput:
    """Run one node on one file's data.

    For a ``partition`` node, ``data`` is the path of the uploaded bytes (its on-disk name is
    not meaningful: ``filename`` gives the type and the metadata). For a ``chunk`` node it is
    the previous node's elements. Raises :class:`FileProcessingError` when the file cannot be
    processed and ``ValueError`` when the node itself is invalid.
    """
    clean = _validate_node(node, 0)
    settings = clean["settings"]
    if clean["type"] == "partition":
        if not isinstance(data, (str, Path)):
            raise TypeError("a partition node takes the uploaded file's path")
        warnings = _strategy_warnings(clean, filename)
        part_settings = PartitionSettings(
            strategy=settings["strategy"],
            include_page_breaks=settings["include_page_breaks"],
            exclude_elements=frozenset(settings["exclude_elements"]),
            encoding=settings["encoding"],
            xml_keep_tags=settings["xml_keep_tags"],
            pdf_infer_table_structure=settings["pdf_infer_table_structure"],
            unique_element_ids=settings["unique_element_ids"],
            ocr_languages=tuple(settings.get("ocr_languages") or settings.get("languages") or ()),
        )
        elements, file_warnings = partition_file(
            Path(data), filename=filename, settings=part_settings, last_modified=last_modified
        )
        return NodeOutput(elements=elements, warnings=warnings + file_warnings)
    if not isinstance(data, list):
        raise TypeError("chunk and embed nodes take the previous node's elements (a list of dicts)")
    if clean["type"] == "embed":
        embedded, warnings = embed_elements(clean, data)
        return NodeOutput(elements=embedded, warnings=warnings)
    options = ChunkOptions(
        strategy=clean["subtype"],
        max_characters=settings["max_characters"],
        new_after_n_chars=settings["new_after_n_chars"],
        overlap=settings["overlap"],
        overlap_all=settings["overlap_all"],
        combine_text_under_n_chars=settings.get("combine_text_under_n_chars"),
        multipage_sections=bool(settings.get("multipage_sections", False)),
        include_orig_elements=settings["include_orig_elements"],
    )
    return NodeOutput(elements=chunk_elements(data, options), warnings=[])


def _strategy_warnings(node: Mapping[str, Any], filename: str) -> list[str]:
    settings = node["settings"]
    strategy = settings["strategy"]
    warnings: list[str] = []
    if node["subtype"] == "vlm" or strategy == "vlm":
        warnings.append("vlm partitioning is emulated with fast by the local engine: no vision-language model")
    elif strategy == "hi_res" and Path(filename).suffix.lower() in OCR_EXTENSIONS:
        warnings.append(
            "strategy hi_res ran as text layer + OCR in the local engine (no layout model offline): "
            "pages with a text layer use it, the others and images are OCR'd"
        )
    elif strategy == "hi_res":
        warnings.append(
            f"strategy hi_res has no layout model in the local engine: {Path(filename).name} was partitioned as usual "
            "(the local engine uses OCR for PDF pages without a text layer and for images)"
        )
    if settings["pdf_infer_table_structure"] and Path(filename).suffix.lower() == ".pdf":
        warnings.append(
            "pdf_infer_table_structure is not supported by the local engine (no table model): "
            "PDF tables come out as text elements without text_as_html"
        )
    if settings.get("extract_image_block_types"):
        warnings.append("extract_image_block_types is ignored by the local engine: no image extraction")
    return warnings
