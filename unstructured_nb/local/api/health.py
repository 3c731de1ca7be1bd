"""``GET /healthz``: the engine answers (behind the key like every route; no pid or data dir: discovery checks those itself)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .deps import EngineDep

__all__ = ["router"]

router = APIRouter()


@router.get("/healthz", include_in_schema=False, response_model=None)
async def healthz(engine: EngineDep) -> dict[str, Any]:
    return {
        "status": "ok",
        "service": "unstructured_nb local engine",
        "workers": engine.workers,
    }
