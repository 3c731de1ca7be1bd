"""Route registration shared by the routers: the ``/api/v1`` prefix, and collections with and without a trailing slash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter

from ...config import API_PREFIX

__all__ = ["api_router", "collection"]

F = TypeVar("F", bound=Callable[..., Any])


def api_router() -> APIRouter:
    """A router under ``/api/v1``. Handlers return plain JSON-ready data: no response models to validate it again."""
    return APIRouter(prefix=API_PREFIX)


def collection(router: APIRouter, path: str, methods: list[str]) -> Callable[[F], F]:
    """Register ``path`` and ``path + '/'``: the SDK sends ``/jobs/``, the docs write ``/jobs``.

    Both are registered, since a 307 redirect would not be followed by most clients.
    """

    def register(fn: F) -> F:
        router.api_route(path, methods=methods, response_model=None)(fn)
        router.api_route(path + "/", methods=methods, response_model=None, include_in_schema=False)(fn)
        return fn

    return register
