"""The synchronous client of the Workflow API: :class:`Client`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..models import FailedFile, Job, JobDetails, JobStatus, Workflow, WorkflowNode
from . import endpoints as ep
from .base import DEFAULT_TIMEOUT, ClientBase
from .endpoints import Call
from .secret import Secret

__all__ = ["Client"]

T = TypeVar("T")


class Client(ClientBase):
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
        api_key: str | Secret | None = None,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        local_data_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        # the key is rebound first: no frame of a traceback from here on holds it as text
        api_key = api_key if api_key is None or isinstance(api_key, Secret) or not api_key.strip() else Secret(api_key.strip())
        super().__init__(api_url, api_key, timeout, max_retries, local_data_dir)
        self._own_transport = transport is None
        self._http = self._new_http(transport)
        self._sleep: Callable[[float], Any] = time.sleep

    def _new_http(self, transport: httpx.BaseTransport | None = None) -> httpx.Client:
        if transport is None and self._unix_socket:
            transport = httpx.HTTPTransport(uds=self._unix_socket)
        # Redirects are not followed: the key header would go to wherever they point.
        return httpx.Client(timeout=self._timeout, transport=transport, follow_redirects=False, trust_env=self._trust_env)

    def _follow_engine(self, exc: Exception) -> None:
        """The local engine did not answer: find it again (restarted if gone); a new address gets a new pool."""
        if self._rediscover(exc) and self._own_transport:
            self._http = self._new_http()  # the old pool is dropped, not closed: another thread may be using it

    def _send(self, call: Call[T]) -> T:
        self._check_open(self._http.is_closed)
        started = time.monotonic()
        retries = 0
        rediscovered = False
        while True:
            body: Generator[bytes, None, None] | None = call.body.iter_sync() if call.body is not None else None
            attempt_started = time.monotonic()
            try:
                request = self._http.build_request(**self._request_args(call), content=body)
                response = self._http.send(request)
            except httpx.TransportError as exc:
                if self.is_local and self._own_transport and not rediscovered and isinstance(exc, httpx.ConnectError):
                    # nothing was sent: find the engine again (it restarts it if it is gone) and retry once at once
                    rediscovered = True
                    self._follow_engine(exc)
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
                    body.close()  # closes a file left open by a failed attempt
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
