"""``/templates``: the built-in workflows, offered as the platform's templates (and usable by on-demand jobs)."""

from __future__ import annotations

from typing import Any

from ...embedders import LOCAL_MODEL
from ..engine import SEED_WORKFLOWS
from .errors import ApiError
from .platform_json import template_json
from .routing import api_router, collection

__all__ = ["find_template", "router", "templates"]

_DESCRIPTIONS = {
    "partition": "Partition files (fast)",
    "partition-and-chunk": "Partition files (fast), then chunk by title",
    "chunk-and-embed": "Partition files (fast), chunk by title (1000 characters), embed with the local model",
}
# templates beyond the seed workflows: what a retrieval notebook starts from
_EXTRA: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "chunk-and-embed",
        [
            {"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}},
            {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": 1000}},
            {"name": "Embedder", "type": "embed", "subtype": "local", "settings": {"model_name": LOCAL_MODEL}},
        ],
    ),
]

router = api_router()


def templates() -> dict[str, dict[str, Any]]:
    """Every template's detail, by id."""
    return {name: template_json(name, _DESCRIPTIONS[name], nodes) for name, nodes in [*SEED_WORKFLOWS, *_EXTRA]}


def find_template(template_id: str) -> dict[str, Any]:
    """The template's detail, or a 404 naming the ones there are."""
    catalog = templates()
    found = catalog.get(template_id)
    if found is None:
        raise ApiError(404, f"Template {template_id!r} not found; the local engine offers {', '.join(catalog)}.")
    return found


@collection(router, "/templates", ["GET"])
async def list_templates() -> list[dict[str, Any]]:
    return [{k: v for k, v in t.items() if k != "nodes"} for t in templates().values()]


@router.get("/templates/{template_id}", response_model=None)
async def get_template(template_id: str) -> dict[str, Any]:
    return find_template(template_id)
