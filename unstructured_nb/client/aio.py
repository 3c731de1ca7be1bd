"""The asynchronous client of the Workflow API: :class:`AsyncClient`, the methods of ``Client`` awaited."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..models import FailedFile, Job, JobDetails, JobStatus, Workflow, WorkflowNode
from . import endpoints as ep
from .base import DEFAULT_TIMEOUT, ClientBase
from .endpoints import Call
from .secret import Secret

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient(ClientBase):
    """Asynchronous client of the Unstructured Workflow API; the methods of :class:`Client`, awaited.

    >>> async with AsyncClient() as client:
    ...     job = await client.run_workflow(workflow_id, files=["report.pdf"])

    Construction is synchronous (it may start the local engine when no URL is set).
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | Secret | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        local_data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        # the key is rebound first: no frame of a traceback from here on holds it as text
        api_key = api_key if api_key is None or isinstance(api_key, Secret) or not api_key.strip() else Secret(api_key.strip())
        super().__init__(api_url, api_key, timeout, max_retries, local_data_dir)
        self._own_transport = transport is None
        self._http = self._new_http(transport)
        self._sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep

    def _new_http(self, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
        if transport is None and self._unix_socket:
            transport = httpx.AsyncHTTPTransport(uds=self._unix_socket)
        return httpx.AsyncClient(timeout=self._timeout, transport=transport, follow_redirects=False, trust_env=self._trust_env)

    async def _follow_engine(self, exc: Exception) -> None:
        """The local engine did not answer: find it again (restarted if gone; in a thread, it may take seconds)."""
        if await asyncio.to_thread(self._rediscover, exc) and self._own_transport:
            self._http = self._new_http()

    async def _send(self, call: Call[T]) -> T:
        self._check_open(self._http.is_closed)
        started = time.monotonic()
        retries = 0
        rediscovered = False
        while True:
            body: AsyncGenerator[bytes, None] | None = call.body.iter_async() if call.body is not None else None
            attempt_started = time.monotonic()
            try:
                request = self._http.build_request(**self._request_args(call), content=body)
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                if self.is_local and self._own_transport and not rediscovered and isinstance(exc, httpx.ConnectError):
                    # nothing was sent: find the engine again (it restarts it if it is gone) and retry once at once
                    rediscovered = True
                    await self._follow_engine(exc)
                    continue
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
                    await body.aclose()  # closes a file left open by a failed attempt
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
                {
                    "name": name,
                    "workflow_type": workflow_type,
                    "workflow_nodes": workflow_nodes,
                    "source_id": source_id,
                    "destination_id": destination_id,
                    "template_id": template_id,
                    "schedule": schedule,
                    "reprocess_all": reprocess_all,
                }
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
