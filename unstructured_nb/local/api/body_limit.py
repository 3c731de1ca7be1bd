"""Cap every non-multipart request body (JSON: workflows, settings) before it is read into memory: 413 above the limit.

Multipart uploads stream to disk under their own limits (:mod:`.upload_receiver`); any
other body is buffered whole by FastAPI, so a 200 MB JSON body or a 50 MB workflow name
would sit in the server's memory (and in the database) without this check. The declared
``Content-Length`` is refused at once; a chunked body is counted as it arrives (and replayed to the app).
A body nested deeper than :data:`~.json_depth.MAX_JSON_DEPTH` is a 422 before any parser recurses into it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..limits import MAX_JSON_BYTES
from .errors import ApiError
from .json_depth import MAX_JSON_DEPTH, TOO_DEEP, json_depth

__all__ = ["BodyLimit"]

TOO_LARGE = (
    f"The request body is larger than the local engine accepts for JSON ({MAX_JSON_BYTES // 1024} KB): "
    "workflows and settings are small. Files go in a multipart upload (input_files)."
)


class BodyLimit:
    """Pure ASGI middleware: refuse a non-multipart body above :data:`~..limits.MAX_JSON_BYTES`."""

    def __init__(self, app: ASGIApp, limit: int = MAX_JSON_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/"):
            await self.app(scope, receive, send)
            return
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > self.limit:
            await ApiError(413, TOO_LARGE).response()(scope, receive, send)
            return
        # read the body first (it is small, and FastAPI would buffer it whole anyway), then replay it
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body = message.get("body", b"")
            seen += len(body)
            if seen > self.limit:
                await ApiError(413, TOO_LARGE).response()(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        if json_depth(b"".join(chunks)) > MAX_JSON_DEPTH:
            await ApiError(422, TOO_DEEP).response()(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
