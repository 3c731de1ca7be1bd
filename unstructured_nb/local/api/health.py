"""``GET /healthz``: how discovery tells a live engine of a data dir from a stale state file (never behind the key)."""

from __future__ import annotations

import os
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
        "pid": os.getpid(),
        "data_dir": str(engine.data_dir),
        "workers": engine.workers,
    }
