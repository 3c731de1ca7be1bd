"""Route registration shared by the routers: the ``/api/v1`` prefix, and collections with and without a trailing slash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter

from ...config import API_PREFIX

__all__ = ["ERROR_RESPONSES", "api_router", "collection", "multipart_body"]

F = TypeVar("F", bound=Callable[..., Any])


_DETAIL = {
    "type": "object",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array"}]}, "retryable": {"type": "boolean"}},
    "required": ["detail"],
}
#: The error answers any route may give, documented so a client (and the schemathesis run in the
#: tests) knows them: ``{"detail": ...}`` as the platform writes it (``retryable`` on a 5xx).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": why, "content": {"application/json": {"schema": _DETAIL}}}
    for code, why in {
        400: "The request cannot be used as sent (malformed body, an inactive workflow, too many files)",
        401: "The API key is missing or wrong",
        403: "A request from a web page (foreign Origin or Host)",
        404: "No such workflow, template, job, file or route",
        413: "A body, form field or file over the engine's limits",
        415: "A body that is not of a type this route reads",
        422: "A request that fails validation (the list of {loc, msg, type} FastAPI and the platform write)",
        429: "An on-demand job launched too soon after the previous one (see Retry-After)",
        500: "An internal error of the local engine (a bug: see the engine's log)",
    }.items()
}


def multipart_body(required: list[str], **fields: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its multipart/form-data body itself (streamed to
    disk, not through FastAPI's form parsing), so the schema still says what it takes."""
    schema = {"type": "object", "properties": fields, "required": required}
    return {"requestBody": {"content": {"multipart/form-data": {"schema": schema}}}}


def api_router() -> APIRouter:
    """A router under ``/api/v1``. Handlers return plain JSON-ready data: no response models to validate it again."""
    return APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)


def collection(router: APIRouter, path: str, methods: list[str], **route: Any) -> Callable[[F], F]:
    """Register ``path`` and ``path + '/'``: the SDK sends ``/jobs/``, the docs write ``/jobs``.

    Both are registered, since a 307 redirect would not be followed by most clients.
    """

    def register(fn: F) -> F:
        router.api_route(path, methods=methods, response_model=None, **route)(fn)
        router.api_route(path + "/", methods=methods, response_model=None, include_in_schema=False, **route)(fn)
        return fn

    return register
