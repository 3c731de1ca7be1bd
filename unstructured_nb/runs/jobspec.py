"""What an on-demand job runs: a template (by id or name) or job nodes, from flags, a JSON file or a Python list.

:class:`JobSpec` is the ``request_data`` of ``POST /jobs/`` plus the name the tables show.
:func:`nodes_from_options` builds partition -> optional chunk -> optional embed from the
options every front end offers (``--strategy``, ``--chunk``, ``--max-characters``,
``--embed``...); :func:`load_nodes` takes them whole; :func:`resolve_template` finds a
template by id or exact name, with close matches when there is none. Every check runs
before anything is sent.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import hints
from ..client.protocol import ClientProtocol
from ..embedders import DEFAULT_MODELS, LOCAL_SUBTYPE, MODELS, PLATFORM_SUBTYPES, find_model
from ..errors import UsageError, WorkflowLookupError
from ..models import WorkflowNode

__all__ = ["CHUNKERS", "STRATEGIES", "JobSpec", "job_options", "load_nodes", "nodes_from_options", "resolve_template"]

STRATEGIES = ("fast", "hi_res", "auto", "vlm", "ocr_only")
CHUNKERS = ("by_title", "by_character", "by_page", "by_similarity")
_MAX_NODES_FILE = 1024 * 1024
_FLAGS = {"max_characters": "--max-characters", "new_after_n_chars": "--new-after", "overlap": "--overlap"}


@dataclass(frozen=True)
class JobSpec:
    """Exactly one of ``template_id`` and ``job_nodes``, and the name a run shows for it."""

    name: str
    template_id: str | None = None
    job_nodes: tuple[Mapping[str, Any], ...] | None = None

    def __post_init__(self) -> None:
        if (self.template_id is None) == (self.job_nodes is None):
            raise ValueError("a JobSpec has exactly one of template_id and job_nodes")

    @property
    def nodes(self) -> tuple[WorkflowNode, ...]:
        """The job nodes as models (none for a template: its nodes are the server's)."""
        return tuple(WorkflowNode.from_api(n) for n in self.job_nodes or ())

    @classmethod
    def of_nodes(cls, nodes: Sequence[Mapping[str, Any]]) -> JobSpec:
        return cls(name=describe(nodes), job_nodes=tuple(dict(n) for n in nodes))


def describe(nodes: Sequence[Mapping[str, Any]]) -> str:
    """``partition hi_res -> chunk_by_title 1000 -> embed local``: what a table shows for job nodes."""
    parts = []
    for node in nodes:
        settings = node.get("settings") or {}
        kind = str(node.get("type") or "?")
        if kind == "partition":
            parts.append(f"partition {settings.get('strategy') or node.get('subtype') or ''}".strip())
        elif kind == "chunk":
            size = settings.get("max_characters")
            parts.append(f"{node.get('subtype') or 'chunk'}{f' {size}' if size else ''}")
        elif kind == "embed":
            parts.append(f"embed {node.get('subtype') or ''}".strip())
        else:
            parts.append(kind)
    return " -> ".join(parts) or "on-demand job"


def _positive(name: str, value: int | None, *, zero: bool = False) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1)):
        raise UsageError(f"{name} must be a {'non-negative' if zero else 'positive'} whole number, got {value!r}")


def embed_node(embed: str, *, local: bool) -> dict[str, Any]:
    """The embed node of ``--embed PROVIDER[/MODEL]`` (``default``: the local model locally, azure_openai on the platform)."""
    text = embed.strip()
    if text in ("", "default"):
        text = LOCAL_SUBTYPE if local else "azure_openai"
    subtype, _, model = text.partition("/")
    if subtype not in (*PLATFORM_SUBTYPES, LOCAL_SUBTYPE):  # a model named alone: its provider from the table
        known = [m for m in MODELS if m.name == text]
        if known:
            subtype, model = known[0].subtype, known[0].name
    if subtype not in (*PLATFORM_SUBTYPES, LOCAL_SUBTYPE):
        raise UsageError(
            f"Unknown embedding provider {subtype!r}; use one of {', '.join((*PLATFORM_SUBTYPES, LOCAL_SUBTYPE))}, "
            "optionally with a model: azure_openai/text-embedding-3-large ('local' is the local engine's own model)"
        )
    if subtype == LOCAL_SUBTYPE and not local:
        raise UsageError(
            "The 'local' embedding model runs on the local engine only; on the platform use a provider such as "
            "azure_openai or voyageai (--embed alone picks azure_openai/text-embedding-3-small there)"
        )
    model = model or DEFAULT_MODELS[subtype]
    return {"name": "Embedder", "type": "embed", "subtype": subtype, "settings": {"model_name": model}}


def nodes_from_options(
    *,
    strategy: str | None = None,
    chunk: str | None = None,
    max_characters: int | None = None,
    new_after_n_chars: int | None = None,
    overlap: int | None = None,
    embed: str | None = None,
    local: bool = True,
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """partition (``strategy``, default fast) -> chunk (if ``chunk``) -> embed (if ``embed``), with their main settings.

    Raises :class:`UsageError` for an unknown value, chunk sizes without a chunker, an
    embedder without a chunker, or a ``max_characters`` over the embedding model's limit.
    ``names`` says what the front end calls the sizes (default: the flags, ``--max-characters``...).
    """
    name = {**_FLAGS, **(names or {})}
    strategy = (strategy or "fast").strip().lower()
    if strategy not in STRATEGIES:
        raise UsageError(f"Unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
    partition: dict[str, Any] = {"name": "Partitioner", "type": "partition"}
    if strategy == "vlm":
        partition.update(subtype="vlm", settings={})
    else:
        partition.update(subtype="unstructured_api", settings={"strategy": strategy})
    nodes = [partition]
    _positive(name["max_characters"], max_characters)
    _positive(name["new_after_n_chars"], new_after_n_chars)
    _positive(name["overlap"], overlap, zero=True)
    sizes = {"max_characters": max_characters, "new_after_n_chars": new_after_n_chars, "overlap": overlap}
    if chunk is None:
        if any(v is not None for v in sizes.values()):
            raise UsageError(
                "--max-characters, --new-after and --overlap are chunker settings: add --chunk by_title (or another)"
            )
        if embed is not None:
            raise UsageError(
                "An embedder needs chunks: add --chunk by_title (the platform requires a chunker before an embed node)"
            )
        return nodes
    kind = chunk.strip().lower().removeprefix("chunk_")
    if kind not in CHUNKERS:
        raise UsageError(f"Unknown chunker {chunk!r}; use one of {', '.join(CHUNKERS)}")
    settings = {k: v for k, v in sizes.items() if v is not None}
    if overlap is not None and overlap >= (max_characters or 500):
        raise UsageError(f"--overlap ({overlap}) must be less than --max-characters ({max_characters or 500})")
    nodes.append({"name": "Chunker", "type": "chunk", "subtype": f"chunk_{kind}", "settings": settings})
    if embed is not None:
        node = embed_node(embed, local=local)
        model = find_model(node["subtype"], node["settings"]["model_name"])
        limit = model.max_characters if model is not None else None
        if model is not None and limit is not None and (max_characters or 500) > limit:
            raise UsageError(
                f"{name['max_characters']} {max_characters} is over the limit of {limit} for the embedding model "
                f"{model.name} (its input is {model.tokens} tokens): lower it to {limit} or less"
            )
        nodes.append(node)
    return nodes


def job_options(args: Any, **given: Any) -> dict[str, Any]:
    """The ``start_job`` keywords of parsed ``--template``/``--nodes``/``--strategy``/``--chunk``/
    ``--max-characters``/``--new-after``/``--overlap``/``--embed``/``--embed-model`` flags, the magic's
    and the terminal's alike (``given`` replaces a value the caller has resolved itself); flags not
    given are left out."""
    embed: str | bool | None = args.embed_model or (True if args.embed else None)
    options = {
        "template": args.template,
        "nodes": args.nodes,
        "strategy": args.strategy,
        "chunk": args.chunk,
        "max_characters": args.max_characters,
        "new_after_n_chars": args.new_after,
        "overlap": args.overlap,
        "embed": embed,
        **given,
    }
    return {k: v for k, v in options.items() if v is not None}


def load_nodes(source: str | os.PathLike[str] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Job nodes given whole: a list of node dicts, or a JSON file holding one (or ``{"job_nodes": [...]}``,
    or a workflow's ``{"workflow_nodes": [...]}``). Raises :class:`UsageError` saying what is wrong."""
    where = "the nodes"
    data: Any = source
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        where = str(path)
        try:
            if path.stat().st_size > _MAX_NODES_FILE:
                raise UsageError(f"{path} is over 1 MB: a nodes file is a short JSON list of nodes")
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"Nodes file {path} not found; --nodes takes a JSON file with a list of nodes") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"Cannot read the nodes file {path}: {getattr(exc, 'strerror', None) or exc}") from None
        except ValueError as exc:
            raise UsageError(f"{path} is not valid JSON ({exc}); it must hold a list of nodes") from None
    if isinstance(data, Mapping):
        data = data.get("job_nodes", data.get("workflow_nodes", data.get("nodes")))
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence) or not data:
        raise UsageError(f"{where} must be a non-empty list of nodes, each with type, subtype and settings")
    nodes = []
    for i, node in enumerate(data, 1):
        if isinstance(node, WorkflowNode):
            node = {k: v for k, v in node.to_api().items() if v is not None}
        if not isinstance(node, Mapping) or not isinstance(node.get("type"), str) or not node.get("type"):
            raise UsageError(
                f"Node {i} of {where} must be an object with a 'type' (partition, chunk, embed...), got {node!r:.80}"
            )
        nodes.append(dict(node))
    return nodes


def resolve_template(client: ClientProtocol, name_or_id: str) -> dict[str, Any]:
    """The template whose id, or else name (case-insensitive), is ``name_or_id``; close matches in the error."""
    text = name_or_id.strip()
    templates = client.list_templates()
    for t in templates:
        if str(t.get("id")) == text:
            return t
    named = [t for t in templates if str(t.get("name", "")).lower() == text.lower()]
    if len(named) == 1:
        return named[0]
    if named:
        raise WorkflowLookupError(
            f"{len(named)} templates are named {text!r} (ids: {', '.join(str(t.get('id')) for t in named)})",
            hint="Pass the id of the one you mean",
        )
    labels = {str(t.get("id")): t for t in templates} | {str(t.get("name")): t for t in templates}
    close = difflib.get_close_matches(text, list(labels), n=4, cutoff=0.5)
    if close:
        hint = "Did you mean " + ", ".join(repr(c) for c in close) + "?"
    elif templates:
        hint = "Available templates: " + ", ".join(repr(str(t.get("id"))) for t in templates[:8]) + "."
    else:
        hint = "This server offers no templates."
    raise WorkflowLookupError(f"No template has the id or name {text!r}", hint=hint + f" List them with {hints.list_templates()}")
