"""The Workflow API client: :class:`Client` (sync) and :class:`AsyncClient` (async).

Both expose the same methods with the API's names. A method builds a request
description (``_endpoints``), the client executes it with bounded retries (``_retry``)
and turns the answer into a typed model or one clear exception (``_http_errors``).
Only the I/O differs between the two classes.

Configuration: arguments first, then ``UNSTRUCTURED_API_URL``/``UNSTRUCTURED_API_KEY``;
with no URL anywhere the embedded local engine is started and used.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from . import _endpoints as ep
from ._endpoints import Call, UnexpectedBody
from ._http_errors import (
    Context,
    decode_json,
    display_url,
    error_for_response,
    error_for_transport,
    running_job_error,
    unexpected_body_error,
)
from ._retry import RetryPolicy
from .config import mask_key, resolve_api_key, resolve_api_url
from .errors import AuthenticationError, LocalEngineError, UnstructuredError
from .models import FailedFile, Job, JobDetails, JobStatus, Workflow, WorkflowNode

__all__ = ["DEFAULT_TIMEOUT", "AsyncClient", "Client", "RetryPolicy"]

T = TypeVar("T")
log = logging.getLogger("unstructured_nb.client")

#: Connect fast or fail; allow a slow answer; allow a long upload (per socket write).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0, write=300.0, pool=10.0)
KEY_HEADER = "unstructured-api-key"


def _user_agent() -> str:
    from . import __version__

    return f"unstructured-nb/{__version__} httpx/{httpx.__version__}"


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    # None means "the default" here, not "wait forever": a notebook must never hang
    # silently. To really disable a limit, pass httpx.Timeout(None).
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(float(value))


def _check_key(key: str | None) -> str | None:
    # A key with a line break or non-ASCII character cannot be sent in a header, and the
    # HTTP library's error for it would quote the key: refuse it here, without quoting it.
    if key is not None and not all(33 <= ord(c) <= 126 for c in key):
        raise AuthenticationError(
            "The API key contains spaces, line breaks or non-ASCII characters, so it cannot be sent",
            hint="Copy the key again from the Unstructured UI and set UNSTRUCTURED_API_KEY (or api_key) to exactly that value",
        )
    return key


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class _Base:
    """Configuration and the decisions shared by both clients (no I/O here)."""

    api_url: str
    is_local: bool

    def __init__(
        self,
        api_url: str | None,
        api_key: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        local_data_dir: str | os.PathLike[str] | None,
    ) -> None:
        url = resolve_api_url(api_url)
        key = resolve_api_key(api_key)
        self.is_local = False
        if url is None:
            url, key = self._start_local_engine(api_key, local_data_dir)
            self.is_local = True
        if not url.startswith(("http://", "https://")):
            raise ValueError(
                f"The API URL must start with http:// or https:// (got {display_url(url)!r}); check the api_url "
                "argument or UNSTRUCTURED_API_URL, e.g. https://platform.unstructuredapp.io"
            )
        self.api_url = url
        self._api_key = _check_key(key)
        self._timeout = _timeout(timeout)
        self._retry = RetryPolicy(max_retries=max(0, int(max_retries)))
        self._ctx = Context(api_url=url, key=self._api_key, is_local=self.is_local, timeout=self._timeout)
        # Proxy settings from the environment apply to remote servers only: a loopback
        # server (the local engine, a test server) is never behind a proxy.
        self._trust_env = not _is_loopback(url)

    @staticmethod
    def _start_local_engine(api_key: str | None, data_dir: str | os.PathLike[str] | None) -> tuple[str, str | None]:
        try:
            from .local.discovery import ensure_local_engine
        except ImportError as exc:
            raise LocalEngineError(
                f"No API URL is set and the local engine is not available ({exc})",
                hint="Set UNSTRUCTURED_API_URL (and UNSTRUCTURED_API_KEY) or pass Client(api_url=..., api_key=...) "
                "to use the Unstructured Platform",
            ) from None
        try:
            engine = ensure_local_engine(data_dir)
        except UnstructuredError:
            raise
        except Exception as exc:  # any failure to start becomes one clear error
            raise LocalEngineError(
                f"No API URL is set and the local engine could not be started: {type(exc).__name__}: {exc}",
                hint="Set UNSTRUCTURED_API_URL to use the Unstructured Platform instead, or check the engine's log in "
                "its data directory",
            ) from None
        # The local engine has its own key (or none); a platform key from the environment
        # is not meant for it. An explicit api_key argument still wins.
        key = resolve_api_key(api_key) if api_key else engine.api_key
        return resolve_api_url(engine.url) or engine.url, key

    def __repr__(self) -> str:
        local = ", local engine" if self.is_local else ""
        return f"{type(self).__name__}(api_url={display_url(self.api_url)!r}, api_key={mask_key(self._api_key)}{local})"

    def _check_open(self, closed: bool) -> None:
        if closed:
            raise UnstructuredError(
                f"This {type(self).__name__} has been closed", hint=f"Create a new {type(self).__name__}() to send requests"
            )

    # -- request building --------------------------------------------------------------

    def _headers(self, call: Call[Any]) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": _user_agent()}
        if self._api_key:
            headers[KEY_HEADER] = self._api_key
        if call.body is not None:
            headers.update(call.body.headers())
        return headers

    def _request_args(self, call: Call[Any]) -> dict[str, Any]:
        args: dict[str, Any] = {
            "method": call.method,
            "url": self.api_url + call.path,
            "headers": self._headers(call),
        }
        if call.params:
            args["params"] = dict(call.params)
        if call.json is not None:
            args["json"] = call.json
        return args

    # -- decisions ------------------------------------------------------------------------

    def _next_delay(
        self,
        call: Call[Any],
        retries: int,
        started: float,
        *,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> float | None:
        replayable = call.body.replayable if call.body is not None else True
        delay = self._retry.delay(
            method=call.method,
            retry_number=retries,
            elapsed=time.monotonic() - started,
            response=response,
            error=error,
            replayable=replayable,
        )
        if delay is not None:
            why = f"HTTP {response.status_code}" if response is not None else type(error).__name__
            log.debug(
                "retrying %s in %.2f s after %s (retry %d of %d)", call.target, delay, why, retries + 1, self._retry.max_retries
            )
        return delay

    def _log_response(self, call: Call[Any], response: httpx.Response, started: float) -> None:
        log.debug("%s -> %d (%.0f ms)", call.target, response.status_code, (time.monotonic() - started) * 1000)

    def _result(self, call: Call[T], response: httpx.Response, attempts: int) -> T:
        """The parsed result of a final answer, or the exception that describes it."""
        if call.method == "POST":  # only a run or job creation can be refused this way
            running = running_job_error(call, response, self._ctx)
            if running is not None:
                raise running
        if not response.is_success:
            raise error_for_response(call, response, self._ctx, attempts)
        try:
            return call.parse(decode_json(response))
        except UnexpectedBody as exc:
            raise unexpected_body_error(call, response, exc.expected, self._ctx) from None
        except ValueError:
            raise unexpected_body_error(call, response, "JSON", self._ctx) from None

    def _transport_error(self, call: Call[Any], exc: Exception, attempts: int) -> UnstructuredError:
        log.debug("%s failed: %s", call.target, type(exc).__name__)
        return error_for_transport(call, exc, self._ctx, attempts)


class Client(_Base):
    """Synchronous client of the Unstructured Workflow API.

    >>> client = Client()                       # UNSTRUCTURED_API_URL/KEY, or the local engine
    >>> job = client.run_workflow(workflow_id, files=["report.pdf"])

    ``timeout`` defaults to 5 s to connect, 60 s per read, 300 s per upload write (``None``
    also means this default; pass ``httpx.Timeout(None)`` to wait forever). Reads are
    retried up to ``max_retries`` times; a run is never sent twice unless the server
    provably did not receive it. ``transport`` is passed to httpx (for tests and proxies).
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        local_data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(api_url, api_key, timeout, max_retries, local_data_dir)
        # Redirects are not followed: the key header would go to wherever they point.
        self._http = httpx.Client(timeout=self._timeout, transport=transport, follow_redirects=False, trust_env=self._trust_env)
        self._sleep: Callable[[float], Any] = time.sleep

    def _send(self, call: Call[T]) -> T:
        self._check_open(self._http.is_closed)
        started = time.monotonic()
        retries = 0
        while True:
            body: Iterator[bytes] | None = call.body.iter_sync() if call.body is not None else None
            attempt_started = time.monotonic()
            try:
                request = self._http.build_request(**self._request_args(call), content=body)
                response = self._http.send(request)
            except httpx.TransportError as exc:
                delay = self._next_delay(call, retries, started, error=exc)
                if delay is None:
                    raise self._transport_error(call, exc, retries + 1) from None
            else:
                self._log_response(call, response, attempt_started)
                delay = self._next_delay(call, retries, started, response=response)
                if delay is None:
                    return self._result(call, response, retries + 1)
            finally:
                if body is not None:
                    body.close()  # type: ignore[attr-defined]  # closes a file left open by a failed attempt
            self._sleep(delay)
            retries += 1

    # -- workflows ------------------------------------------------------------------------

    def list_workflows(self, **filters: Any) -> list[Workflow]:
        """All workflows, optionally filtered (``name=``, ``status=``, ``source_id=``, ``page=``...)."""
        return self._send(ep.list_workflows(filters))

    def get_workflow(self, workflow_id: str) -> Workflow:
        """One workflow by id."""
        return self._send(ep.get_workflow(workflow_id))

    def create_workflow(
        self,
        name: str,
        *,
        workflow_type: str = "custom",
        workflow_nodes: list[dict[str, Any] | WorkflowNode] | None = None,
        source_id: str | None = None,
        destination_id: str | None = None,
        template_id: str | None = None,
        schedule: str | None = None,
        reprocess_all: bool | None = None,
    ) -> Workflow:
        """Create a workflow; leave out source/destination for local files (then it must be ``custom``)."""
        return self._send(
            ep.create_workflow(
                dict(
                    name=name,
                    workflow_type=workflow_type,
                    workflow_nodes=workflow_nodes,
                    source_id=source_id,
                    destination_id=destination_id,
                    template_id=template_id,
                    schedule=schedule,
                    reprocess_all=reprocess_all,
                )
            )
        )

    def update_workflow(self, workflow_id: str, **fields: Any) -> Workflow:
        """Change some fields of a workflow (``name=``, ``workflow_nodes=``, ``schedule=``...)."""
        return self._send(ep.update_workflow(workflow_id, fields))

    def delete_workflow(self, workflow_id: str) -> None:
        """Delete a workflow."""
        self._send(ep.delete_workflow(workflow_id))

    def run_workflow(self, workflow_id: str, files: Any = None) -> Job:
        """Start a job of a workflow, uploading ``files`` (paths, binary files, (name, bytes) pairs, FileUpload values).

        Every path is checked first (:class:`~unstructured_nb.InputFileError` lists all bad
        ones; nothing is sent). Raises :class:`~unstructured_nb.JobAlreadyRunningError` when
        the workflow already has a job running.
        """
        return self._send(ep.run_workflow(workflow_id, files))

    # -- jobs -----------------------------------------------------------------------------

    def create_job(
        self, *, template_id: str | None = None, job_nodes: list[dict[str, Any]] | None = None, files: Any = None
    ) -> Job:
        """Start an on-demand job from a template or from a list of nodes, with ``files``."""
        return self._send(ep.create_job(template_id, job_nodes, files))

    def list_jobs(self, workflow_id: str | None = None, status: str | JobStatus | None = None) -> list[Job]:
        """Jobs, optionally of one workflow and/or in one status."""
        return self._send(ep.list_jobs(workflow_id, status))

    def get_job(self, job_id: str) -> Job:
        """One job by id (poll this until ``job.status.is_terminal``)."""
        return self._send(ep.get_job(job_id))

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        """Ask the platform to stop a job; returns its answer as a dict."""
        return self._send(ep.cancel_job(job_id))

    def get_job_details(self, job_id: str) -> JobDetails:
        """A job's processing status and per-node file counts."""
        return self._send(ep.get_job_details(job_id))

    def get_job_failed_files(self, job_id: str) -> list[FailedFile]:
        """The files a job could not process, with the error of each."""
        return self._send(ep.get_job_failed_files(job_id))

    def get_job_file_status(self, job_id: str) -> dict[str, Any]:
        """Per-file progress of a job (newer platform endpoint; a 404 means the server lacks it)."""
        return self._send(ep.get_job_file_status(job_id))

    def download_job_output(self, job_id: str, file_id: str, node_id: str | None = None) -> list[dict[str, Any]]:
        """The output of one file exactly as the platform gives it: the element list (parsed JSON).

        Without ``node_id`` pass an id from ``job.input_file_ids`` (output of the last node);
        for one node pass a ``file_id``/``node_id`` pair from ``job.output_node_files``.
        """
        return self._send(ep.download_job_output(job_id, file_id, node_id))

    # -- templates ------------------------------------------------------------------------

    def list_templates(self) -> list[dict[str, Any]]:
        """The platform's workflow templates (id, name, description, version, last_updated)."""
        return self._send(ep.list_templates())

    def get_template(self, template_id: str) -> dict[str, Any]:
        """One template, with its nodes."""
        return self._send(ep.get_template(template_id))

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncClient(_Base):
    """Asynchronous client of the Unstructured Workflow API; the methods of :class:`Client`, awaited.

    >>> async with AsyncClient() as client:
    ...     job = await client.run_workflow(workflow_id, files=["report.pdf"])

    Construction is synchronous (it may start the local engine when no URL is set).
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        local_data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(api_url, api_key, timeout, max_retries, local_data_dir)
        self._http = httpx.AsyncClient(
            timeout=self._timeout, transport=transport, follow_redirects=False, trust_env=self._trust_env
        )
        self._sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep

    async def _send(self, call: Call[T]) -> T:
        self._check_open(self._http.is_closed)
        started = time.monotonic()
        retries = 0
        while True:
            body: AsyncIterator[bytes] | None = call.body.iter_async() if call.body is not None else None
            attempt_started = time.monotonic()
            try:
                request = self._http.build_request(**self._request_args(call), content=body)
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                delay = self._next_delay(call, retries, started, error=exc)
                if delay is None:
                    raise self._transport_error(call, exc, retries + 1) from None
            else:
                self._log_response(call, response, attempt_started)
                delay = self._next_delay(call, retries, started, response=response)
                if delay is None:
                    return self._result(call, response, retries + 1)
            finally:
                if body is not None:
                    await body.aclose()  # type: ignore[attr-defined]
            await self._sleep(delay)
            retries += 1

    # The methods mirror Client's one for one; see there for the details.

    async def list_workflows(self, **filters: Any) -> list[Workflow]:
        """All workflows, optionally filtered."""
        return await self._send(ep.list_workflows(filters))

    async def get_workflow(self, workflow_id: str) -> Workflow:
        """One workflow by id."""
        return await self._send(ep.get_workflow(workflow_id))

    async def create_workflow(
        self,
        name: str,
        *,
        workflow_type: str = "custom",
        workflow_nodes: list[dict[str, Any] | WorkflowNode] | None = None,
        source_id: str | None = None,
        destination_id: str | None = None,
        template_id: str | None = None,
        schedule: str | None = None,
        reprocess_all: bool | None = None,
    ) -> Workflow:
        """Create a workflow."""
        return await self._send(
            ep.create_workflow(
                dict(
                    name=name,
                    workflow_type=workflow_type,
                    workflow_nodes=workflow_nodes,
                    source_id=source_id,
                    destination_id=destination_id,
                    template_id=template_id,
                    schedule=schedule,
                    reprocess_all=reprocess_all,
                )
            )
        )

    async def update_workflow(self, workflow_id: str, **fields: Any) -> Workflow:
        """Change some fields of a workflow."""
        return await self._send(ep.update_workflow(workflow_id, fields))

    async def delete_workflow(self, workflow_id: str) -> None:
        """Delete a workflow."""
        await self._send(ep.delete_workflow(workflow_id))

    async def run_workflow(self, workflow_id: str, files: Any = None) -> Job:
        """Start a job of a workflow, uploading ``files``."""
        return await self._send(ep.run_workflow(workflow_id, files))

    async def create_job(
        self, *, template_id: str | None = None, job_nodes: list[dict[str, Any]] | None = None, files: Any = None
    ) -> Job:
        """Start an on-demand job from a template or from a list of nodes."""
        return await self._send(ep.create_job(template_id, job_nodes, files))

    async def list_jobs(self, workflow_id: str | None = None, status: str | JobStatus | None = None) -> list[Job]:
        """Jobs, optionally of one workflow and/or in one status."""
        return await self._send(ep.list_jobs(workflow_id, status))

    async def get_job(self, job_id: str) -> Job:
        """One job by id."""
        return await self._send(ep.get_job(job_id))

    async def cancel_job(self, job_id: str) -> dict[str, Any]:
        """Ask the platform to stop a job."""
        return await self._send(ep.cancel_job(job_id))

    async def get_job_details(self, job_id: str) -> JobDetails:
        """A job's processing status and per-node file counts."""
        return await self._send(ep.get_job_details(job_id))

    async def get_job_failed_files(self, job_id: str) -> list[FailedFile]:
        """The files a job could not process."""
        return await self._send(ep.get_job_failed_files(job_id))

    async def get_job_file_status(self, job_id: str) -> dict[str, Any]:
        """Per-file progress of a job."""
        return await self._send(ep.get_job_file_status(job_id))

    async def download_job_output(self, job_id: str, file_id: str, node_id: str | None = None) -> list[dict[str, Any]]:
        """The output of one file: the element list."""
        return await self._send(ep.download_job_output(job_id, file_id, node_id))

    async def list_templates(self) -> list[dict[str, Any]]:
        """The platform's workflow templates."""
        return await self._send(ep.list_templates())

    async def get_template(self, template_id: str) -> dict[str, Any]:
        """One template, with its nodes."""
        return await self._send(ep.get_template(template_id))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()
