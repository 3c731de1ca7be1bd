"""Assemble the FastAPI app of one engine: its routers, the origin guard, the API key middleware and the error handlers."""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI

from ..engine import Engine
from ..idle import ActivityMiddleware
from . import health, jobs, templates, workflows
from .auth import ApiKeyMiddleware
from .body_limit import BodyLimit
from .errors import ApiError, api_error_handler, database_error_handler, internal_error_handler
from .origin_guard import OriginGuard

__all__ = ["create_app"]


def create_app(engine: Engine) -> FastAPI:
    """The FastAPI app serving ``engine`` (already opened)."""
    app = FastAPI(
        title="unstructured_nb local engine",
        description="An offline server for the Unstructured Platform's Workflow Endpoint API.",
        version="1",
        # /docs and /openapi.json sit behind the key like every route; the docs page loads its
        # scripts from a CDN, which an offline engine cannot reach anyway
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    app.add_middleware(ActivityMiddleware, activity=engine.activity)  # innermost: only requests let in count
    if engine.api_key:
        app.add_middleware(ApiKeyMiddleware, api_key=engine.api_key)
    app.add_middleware(BodyLimit)
    # added last, so it runs first: a web page's request is refused before the key is even looked at
    app.add_middleware(OriginGuard, check_host=not engine.api_key)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(sqlite3.OperationalError, database_error_handler)  # disk full, read-only: say which
    app.add_exception_handler(Exception, internal_error_handler)
    for module in (health, workflows, templates, jobs):
        app.include_router(module.router)
    return app
