"""The embed node: the platform's ``type: embed`` (its providers, and ``local``), run with the local model.

Validation follows the platform's embedder docs: a ``subtype`` among azure_openai, bedrock,
ibm, togetherai and voyageai (plus ``local``, this engine's own), a ``model_name`` (the
provider's default when left out here, so flag-built nodes stay short), a chunker before it,
and that chunker's ``max_characters`` at or below the model's limit (``embedders``).

Every subtype is embedded by the local model (``embed_model``), which ships in a wheel and
needs no network. A platform subtype is emulated, never silently: the job's details say
that the vectors are the local model's 256 dimensions and not the provider's (the same
choice the engine makes for hi_res, run as fast with a warning), so a notebook written for
the platform runs offline unchanged, and what differs is said where the user looks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..embedders import DEFAULT_MODELS, LOCAL_MODEL, LOCAL_SUBTYPE, PLATFORM_SUBTYPES, find_model
from .embed_model import DIMENSIONS, MODEL_NAME, EmbeddingUnavailable, embed_texts
from .partition import FileProcessingError

__all__ = ["EMBED_SUBTYPES", "check_chunk_size", "embed_elements", "embed_settings"]

EMBED_SUBTYPES = (*PLATFORM_SUBTYPES, LOCAL_SUBTYPE)


def embed_settings(settings: Mapping[str, Any], subtype: str, where: str) -> dict[str, Any]:
    """The embed node's settings, checked (``ValueError`` naming the node and what to change)."""
    if subtype not in EMBED_SUBTYPES:
        raise ValueError(
            f"{where}: unknown embedding provider {subtype!r}; the subtype is one of {', '.join(EMBED_SUBTYPES)} "
            f"('{LOCAL_SUBTYPE}' is the local engine's own model)"
        )
    out = dict(settings)
    model = settings.get("model_name")
    if model is None:
        model = DEFAULT_MODELS[subtype]
    if not isinstance(model, str) or not model.strip():
        raise ValueError(f"{where}: model_name must be the name of a {subtype} embedding model, got {model!r}")
    if subtype == LOCAL_SUBTYPE and model.strip() != LOCAL_MODEL:
        raise ValueError(f"{where}: the local embedder has one model, {LOCAL_MODEL!r}; got {model!r}")
    out["model_name"] = model.strip()
    return out


def check_chunk_size(nodes: Sequence[Mapping[str, Any]]) -> None:
    """An embed node needs a chunker before it, whose ``max_characters`` fits the model (the platform's rule)."""
    chunker: Mapping[str, Any] | None = None
    for index, node in enumerate(nodes):
        if node.get("type") == "chunk":
            chunker = node
        if node.get("type") != "embed":
            continue
        where = f"node {index + 1} ({node.get('name')!r})"
        if chunker is None:
            raise ValueError(
                f"{where}: an embedder needs a Chunker before it (the platform embeds chunks); add a chunk node before it"
            )
        model = find_model(str(node["subtype"]), str(node["settings"]["model_name"]))
        size = int((chunker.get("settings") or {}).get("max_characters") or 500)
        if model is not None and model.max_characters is not None and size > model.max_characters:
            raise ValueError(
                f"{where}: the chunker's max_characters ({size}) is over the limit of {model.max_characters} for "
                f"{model.name} ({model.tokens} tokens); set the chunker's max_characters to {model.max_characters} or less"
            )


def _warnings(node: Mapping[str, Any]) -> list[str]:
    subtype, model_name = str(node["subtype"]), str(node["settings"]["model_name"])
    if subtype == LOCAL_SUBTYPE:
        return []
    known = find_model(subtype, model_name)
    size = f"{model_name}'s {known.dimensions}" if known is not None else "the provider model's"
    return [
        f"embed subtype {subtype} ({model_name}) is emulated by the local engine with its local model {MODEL_NAME}: "
        f"the vectors have {DIMENSIONS} dimensions, not {size}, and are not comparable with the provider's"
    ]


def embed_elements(node: Mapping[str, Any], elements: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """``elements`` with ``embeddings`` (one vector per element, from its text), and the job's warnings."""
    try:
        vectors = embed_texts([str(el.get("text") or "") for el in elements])
    except EmbeddingUnavailable as exc:
        raise FileProcessingError(str(exc)) from None
    out = []
    for element, vector in zip(elements, vectors, strict=True):
        embedded = dict(element)
        embedded["embeddings"] = vector
        out.append(embedded)
    return out, _warnings(node)
