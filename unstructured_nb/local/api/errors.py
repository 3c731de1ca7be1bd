"""Error answers of the HTTP API: :class:`ApiError` (raised anywhere in a request) and the app's exception handlers.

Every error body is the platform's ``{"detail": ...}``: a sentence, or for a 422 the list of
``{"loc", "msg", "type"}`` items FastAPI (and the platform) produce. 5xx bodies also carry
``"retryable": false``, so the SDK's retry loop does not start duplicate jobs after an
internal error.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ..write_errors import DISK_FULL, OTHER, write_cause, write_failure

__all__ = ["ApiError", "api_error_handler", "database_error_handler", "internal_error_handler", "invalid"]

log = logging.getLogger("unstructured_nb.local")


class ApiError(Exception):
    """An answer with ``status_code`` and ``{"detail": detail}``; the app's handler turns it into the response."""

    def __init__(self, status_code: int, detail: Any) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"detail": self.detail}
        if self.status_code >= 500:
            body["retryable"] = False
        return JSONResponse(body, status_code=self.status_code)


def invalid(loc: list[Any], msg: str, type_: str = "value_error") -> ApiError:
    """A 422 in FastAPI's validation shape, for what pydantic cannot check (node rules, request_data)."""
    return ApiError(422, [{"loc": loc, "msg": msg, "type": type_}])


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    return exc.response()


async def internal_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Any other exception: a 500 naming it (Starlette still logs the traceback)."""
    return ApiError(500, f"Internal error of the local engine: {type(exc).__name__}: {exc}. See the engine's log.").response()


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database that refuses a write (disk full, read-only): a 507 or 500 naming the cause, and the connection stays up."""
    cause = write_cause(exc)
    if cause == OTHER:
        log.error("database error in %s %s", request.method, request.url.path, exc_info=exc)
        return await internal_error_handler(request, exc)
    log.warning("%s %s: the database refuses writes (%s): %s", request.method, request.url.path, cause, exc)
    engine = getattr(request.app.state, "engine", None)
    where = engine.data_dir / "engine.db" if engine is not None else "engine.db"
    return ApiError(507 if cause == DISK_FULL else 500, write_failure("this change to its database", where, exc)).response()
