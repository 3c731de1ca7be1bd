"""Start a job from an upload: stream the files into a fresh job folder, then create and queue the job, or leave nothing.

Used by ``POST /workflows/{id}/run`` and ``POST /jobs/``. The job id is chosen before the
body is read, so the files land in their final place; if anything fails before the job is
stored (a refused body, a full disk, a bad ``request_data``, a dropped connection), the
folder is removed.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..engine import Engine
from ..rows import WorkflowRow
from ..write_errors import DISK_FULL, write_cause, write_failure
from .errors import ApiError
from .platform_json import job_json
from .upload_receiver import Upload, receive_files

__all__ = ["StagedJob", "staged_job"]


class StagedJob:
    """The uploaded files of a job that does not exist yet."""

    def __init__(self, engine: Engine, job_id: str, upload: Upload) -> None:
        self.job_id = job_id
        self.upload = upload
        self._engine = engine
        self.stored = False

    @property
    def fields(self) -> dict[str, str]:
        return self.upload.fields

    def require_files(self, message: str) -> None:
        """A 400 with ``message`` if the body held no input files."""
        if not self.upload.files:
            raise ApiError(400, message)

    async def start(
        self, workflow: WorkflowRow, nodes: list[dict[str, Any]] | None = None, *, on_demand: bool = False
    ) -> dict[str, Any]:
        """Store the job (SCHEDULED) with its files, queue them (an on-demand job: when its turn comes), return its JSON."""
        return await run_in_threadpool(self._start, workflow, nodes, on_demand)

    def _start(self, workflow: WorkflowRow, nodes: list[dict[str, Any]] | None, on_demand: bool) -> dict[str, Any]:
        engine = self._engine
        rows = [(f.file_id, f.name, str(f.path.relative_to(engine.data_dir)), f.size) for f in self.upload.files]
        job = engine.store.create_job(job_id=self.job_id, workflow=workflow, files=rows, nodes=nodes)
        self.stored = True  # from here on the folder belongs to the job
        if on_demand:
            engine.jobs.enqueue_on_demand(job)
        else:
            engine.jobs.enqueue(job)
        return job_json(job, engine.store.job_files(job.id))


@asynccontextmanager
async def staged_job(request: Request, engine: Engine, *, max_file_bytes: int | None = None) -> AsyncIterator[StagedJob]:
    """Receive the request's files for a new job; unless :meth:`StagedJob.start` stored it, remove them on exit.

    ``max_file_bytes`` lowers the engine's per-file limit (on-demand jobs have their own).
    """
    job_id = str(uuid.uuid4())
    job_dir = engine.jobs.job_dir(job_id)
    staged: StagedJob | None = None
    try:
        try:
            upload = await receive_files(
                request.headers.get("content-type"),
                request.stream(),
                job_dir / "inputs",
                max_file_bytes=min(engine.max_upload_bytes, max_file_bytes or engine.max_upload_bytes),
            )
        except OSError as exc:  # disk full, data dir gone or read-only: say so, keep nothing half-written
            status = 507 if write_cause(exc) == DISK_FULL else 500
            raise ApiError(status, write_failure("the upload", job_dir / "inputs", exc)) from None
        staged = StagedJob(engine, job_id, upload)
        yield staged
    except Exception:
        if staged is None or not staged.stored:
            await run_in_threadpool(shutil.rmtree, job_dir, True)
        raise
    except BaseException:  # cancelled: nothing can be awaited any more, and it is a few files
        if staged is None or not staged.stored:
            shutil.rmtree(job_dir, ignore_errors=True)
        raise
    if not staged.stored:  # the handler returned without starting the job
        await run_in_threadpool(shutil.rmtree, job_dir, True)
