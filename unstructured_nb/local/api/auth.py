"""The API key check: with a key configured, every request (``/healthz`` and ``/openapi.json`` too) needs the key header."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import ApiError

__all__ = ["INVALID_KEY", "MISSING_KEY", "ApiKeyMiddleware"]

# the platform's own wording, which the SDK shows as is
MISSING_KEY = "API key is missing, please provide an API key in the header."
INVALID_KEY = "API key is invalid, please provide a valid API key in the header."


class ApiKeyMiddleware:
    """Pure ASGI middleware (it runs before routing, so unknown paths are refused too); no route is open without the key."""

    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app = app
        self._key = api_key.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = None
            for name, value in scope.get("headers", ()):
                if name == b"unstructured-api-key":
                    given = value.strip()
                    break
            if not given:
                await ApiError(401, MISSING_KEY).response()(scope, receive, send)
                return
            if not hmac.compare_digest(given, self._key):
                await ApiError(401, INVALID_KEY).response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
