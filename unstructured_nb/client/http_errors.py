"""Turn an HTTP answer or a transport failure into the one exception a user can act on.

Shared by the sync and async clients. Every message names the request (method and
path), quotes what the server said, and ends with what to do. The API key is scrubbed
from anything a server or library could echo back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from .. import hints
from ..config import ENV_KEY, ENV_URL
from ..errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    JobAlreadyRunningError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnstructuredError,
    ValidationError,
)
from .endpoints import Call
from .retry import is_read, parse_retry_after
from .secret import Secret

__all__ = [
    "Context",
    "decode_json",
    "display_url",
    "error_for_response",
    "error_for_transport",
    "render_detail",
    "running_job_error",
]

_RUNNING_MARKERS = ("there is a running job", "no new job run")


@dataclass(frozen=True)
class Context:
    """What the messages need to know about the client that sent the request."""

    api_url: str
    key: Secret | None
    is_local: bool
    timeout: httpx.Timeout


def display_url(url: str) -> str:
    """The URL without any ``user:password@`` part."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _scrub(value: Any, key: Secret | None) -> Any:
    return key.mask(value) if key is not None else value


def decode_json(response: httpx.Response) -> Any:
    """The JSON body, or None when it is empty. Raises ValueError when it is not JSON."""
    if not response.content.strip():
        return None
    return json.loads(response.content)


def _detail(response: httpx.Response) -> Any:
    """The server's ``detail`` (or the whole JSON, or a snippet of text when not JSON)."""
    try:
        data = decode_json(response)
    except ValueError:
        text = response.text.strip()
        return text[:300] + ("..." if len(text) > 300 else "") if text else None
    if isinstance(data, dict) and "detail" in data:
        return data["detail"]
    return data


def render_detail(detail: Any) -> str:
    """A readable form of ``detail``: FastAPI validation lists become ``loc: msg`` lines."""
    if detail is None or detail == "":
        return ""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and all(isinstance(d, dict) and "msg" in d for d in detail):
        lines = []
        for item in detail:
            loc = ".".join(str(p) for p in item.get("loc") or ())
            lines.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
        return "; ".join(lines)
    return json.dumps(detail, ensure_ascii=False)


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _said(detail: str) -> str:
    return f": {detail}" if detail else ""


def _retried(attempts: int) -> str:
    return f" (after {attempts} attempts)" if attempts > 1 else ""


def running_job_error(call: Call[Any], response: httpx.Response, ctx: Context) -> JobAlreadyRunningError | None:
    """The "There is a running job ... No new job run." answer, whatever its status."""
    detail = _detail(response)
    if not isinstance(detail, str) or not any(m in detail.lower() for m in _RUNNING_MARKERS):
        return None
    wf = f"workflow {call.resource_id}" if call.resource == "workflow" and call.resource_id else "this workflow"
    list_hint = (
        f"client.list_jobs(workflow_id={call.resource_id!r}, status='IN_PROGRESS')"
        if call.resource_id
        else "client.list_jobs(status='IN_PROGRESS')"
    )
    return JobAlreadyRunningError(
        _scrub(
            f"{call.target}: the platform did not start a new job because {wf} already has one running "
            f"({_status_text(response.status_code)}): {detail}",
            ctx.key,
        ),
        method=call.method,
        path=call.path,
        status_code=response.status_code,
        detail=_scrub(detail, ctx.key),
        hint="Wait for that job to finish (find it with " + list_hint + "), or stop it with client.cancel_job(job_id), "
        "then run again",
    )


def _not_found_hint(call: Call[Any], detail: str, ctx: Context) -> str:
    if call.resource == "workflow":
        hint = f"Check the workflow id: list your workflows with {hints.list_workflows()}"
    elif call.resource == "job":
        hint = f"Check the job id: list jobs with {hints.list_jobs()}"
    elif call.resource == "download":
        hint = (
            "Use a file_id from job.input_file_ids, or a file_id/node_id pair from job.output_node_files; outputs can "
            "only be downloaded for jobs with a local source and destination"
        )
    elif call.resource == "file-status":
        hint = (
            "Per-file status is a newer platform endpoint that this server may not offer; check the job id with "
            "client.get_job(), and use client.get_job_details() for per-node counts"
        )
    elif call.resource == "template":
        hint = "Check the template id: list templates with client.list_templates()"
    else:
        hint = "Check the ids in the request"
    if detail.strip().lower() in ("not found", ""):
        # FastAPI's answer for an unknown route: the base URL itself may be wrong.
        hint += (
            f". If the ids are right, check that {ENV_URL} ({display_url(ctx.api_url)}) is the API's base URL "
            "(with or without /api/v1)"
        )
    return hint


def _auth_hint(status: int, ctx: Context) -> str:
    if ctx.is_local:
        # a local engine's key is the one it was started with; there is no UI listing it
        if ctx.key is None:
            return (
                f"This local engine ({display_url(ctx.api_url)}) was started with an API key and none was sent. "
                f"Give it the key it was started with: {hints.login()}"
            )
        return (
            f"The key that was sent is not the one this local engine ({display_url(ctx.api_url)}) was started with. "
            f"Give it that key with {hints.login()}, or restart the engine without --api-key"
        )
    if ctx.key is None:
        return (
            f"No API key was sent. Give your Unstructured API key with {hints.login()}; or set {ENV_KEY} in the "
            "environment before starting Python, or pass Client(api_key=...)"
        )
    hint = (
        f"The API key that was sent was not accepted by {display_url(ctx.api_url)}. Check that the key (given with "
        f"login() or in {ENV_KEY}) is a current key for this server (keys are listed in the Unstructured UI under "
        f"API Keys), and give it again with {hints.login()}"
    )
    if status == 403:
        hint += "; check too that the key's account may use this workflow or job"
    return hint


def error_for_response(call: Call[Any], response: httpx.Response, ctx: Context, attempts: int = 1) -> UnstructuredError:
    """The exception for a non-2xx answer to ``call``."""
    status = response.status_code
    raw_detail = _scrub(_detail(response), ctx.key)
    detail = render_detail(raw_detail)
    suffix = f" ({_status_text(status)}){_retried(attempts)}{_said(detail)}"

    def head(what: str) -> str:  # not str.format: the server's detail may contain braces
        return f"{call.target} {what}{suffix}"

    common: dict[str, Any] = {"method": call.method, "path": call.path, "status_code": status, "detail": raw_detail}
    if status in (401, 403):
        what = "was refused: not authenticated" if status == 401 else "was refused: not allowed"
        return AuthenticationError(head(what), hint=_auth_hint(status, ctx), **common)
    if status == 404:
        return NotFoundError(head("found nothing"), hint=_not_found_hint(call, detail, ctx), **common)
    if status == 422:
        return ValidationError(
            head("was rejected as invalid"),
            hint="Correct the fields named above; ids are the UUIDs shown by client.list_workflows() and client.list_jobs()",
            **common,
        )
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = f"Wait {retry_after:.0f} s (the server's Retry-After)" if retry_after is not None else "Wait a few seconds"
        return RateLimitError(
            head("was rate limited"),
            retry_after=retry_after,
            hint=f"{wait}, then try again; the platform allows about one job launch per second",
            **common,
        )
    if status >= 500:
        if is_read(call.method):
            hint = "The server is failing; try again in a minute, and check the platform's status page if it persists"
        else:
            hint = "This answer was not retried because the server may have acted on the request before failing" + (
                f": check client.list_jobs(workflow_id={call.resource_id!r}) before running again"
                if call.path.endswith("/run")
                else "; check its effect (e.g. client.list_jobs()) before sending it again"
            )
        return ServerError(head("failed on the server"), hint=hint, **common)
    if 300 <= status < 400:
        location = _scrub(display_url(response.headers.get("Location", "")).split("?")[0], ctx.key)
        return APIStatusError(
            head(f"was redirected to {location or 'another address'}"),
            hint=f"Set {ENV_URL} (or api_url) to the address the server redirects to; redirects are not followed "
            "so that the API key is never sent to another host",
            **common,
        )
    return APIStatusError(
        head("failed"),
        hint=f"Check the request's arguments; if they are right, check that {ENV_URL} ({display_url(ctx.api_url)}) "
        "points at the Unstructured API",
        **common,
    )


def unexpected_body_error(call: Call[Any], response: httpx.Response, expected: str, ctx: Context) -> APIStatusError:
    """A 2xx answer that is not the JSON the endpoint returns."""
    text = _scrub(response.text.strip(), ctx.key)
    snippet = (text[:200] + "...") if len(text) > 200 else text
    return APIStatusError(
        f"{call.target} answered {_status_text(response.status_code)} but the body is not {expected}"
        + (f": {snippet}" if snippet else " (empty body)"),
        method=call.method,
        path=call.path,
        status_code=response.status_code,
        detail=snippet or None,
        hint=f"Check that {ENV_URL} ({display_url(ctx.api_url)}) points at the Unstructured API, not a web page or proxy",
    )


def _seconds(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g} s"


def error_for_transport(call: Call[Any], exc: Exception, ctx: Context, attempts: int = 1) -> UnstructuredError:
    """The exception for a request that got no HTTP answer."""
    url = display_url(ctx.api_url)
    reason = _scrub(str(exc) or type(exc).__name__, ctx.key)
    common: dict[str, Any] = {"method": call.method, "path": call.path}
    maybe_started = ""
    if call.method == "POST" and call.path.endswith("/run"):
        maybe_started = (
            f"The server may still have started the job: check client.list_jobs(workflow_id={call.resource_id!r}) "
            "before running again. "
        )
    elif call.method == "POST" and call.path.endswith("/jobs/"):
        maybe_started = "The server may still have started the job: check client.list_jobs() before creating it again. "
    if ctx.is_local:
        where = f"The local engine at {url} is not answering; create a new Client() to restart it"
    else:
        where = f"Check that {ENV_URL} (or api_url) is right ({url}) and that the server is up and reachable"
    if isinstance(exc, httpx.ConnectTimeout):
        return APITimeoutError(
            f"{call.target}: connecting to {url} timed out (connect timeout {_seconds(ctx.timeout.connect)}){_retried(attempts)}",
            hint=where + "; on a slow network raise the limit, e.g. Client(timeout=httpx.Timeout(60, connect=30))",
            **common,
        )
    if isinstance(exc, httpx.ReadTimeout):
        return APITimeoutError(
            f"{call.target}: {url} sent no answer within the read timeout ({_seconds(ctx.timeout.read)}){_retried(attempts)}",
            hint=maybe_started + "To wait longer, raise the read timeout, e.g. Client(timeout=httpx.Timeout(60, read=300))",
            **common,
        )
    if isinstance(exc, httpx.WriteTimeout):
        return APITimeoutError(
            f"{call.target}: sending the request to {url} stalled for longer than the write timeout "
            f"({_seconds(ctx.timeout.write)}){_retried(attempts)}",
            hint=maybe_started
            + "On a slow upload link raise the write timeout, e.g. Client(timeout=httpx.Timeout(60, write=900))",
            **common,
        )
    if isinstance(exc, httpx.PoolTimeout):
        return APITimeoutError(
            f"{call.target}: no free connection to {url} within the pool timeout ({_seconds(ctx.timeout.pool)})",
            hint="Too many requests are in flight at once from this client; wait for some to finish or raise the pool "
            "timeout, e.g. Client(timeout=httpx.Timeout(60, pool=60))",
            **common,
        )
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{call.target}: timed out talking to {url}: {reason}", hint=where, **common)
    if isinstance(exc, httpx.ConnectError):
        return APIConnectionError(
            f"{call.target}: could not connect to {url}{_retried(attempts)} ({reason})", hint=where, **common
        )
    return APIConnectionError(
        f"{call.target}: the connection to {url} failed before an answer arrived{_retried(attempts)} ({reason})",
        hint=maybe_started + where,
        **common,
    )
