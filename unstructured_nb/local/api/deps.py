"""FastAPI dependencies of the routers: the engine, its store and job manager, and the workflow or job a path names.

A lookup that finds nothing raises :class:`~.errors.ApiError` (404), so a handler only ever
sees a row. The lookups touch SQLite, so they are plain ``def`` (FastAPI runs them in its
threadpool); the engine accessors do no I/O and stay on the event loop.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from ..engine import Engine
from ..jobs import JobManager
from ..rows import JobRow, WorkflowRow
from ..store import Store
from .errors import ApiError

__all__ = [
    "EngineDep",
    "JobDep",
    "JobsDep",
    "StoreDep",
    "WorkflowDep",
    "find_job",
    "find_workflow",
]


async def get_engine(request: Request) -> Engine:
    engine = request.app.state.engine
    assert isinstance(engine, Engine)  # set by create_app
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_store(engine: EngineDep) -> Store:
    return engine.store


async def get_jobs(engine: EngineDep) -> JobManager:
    return engine.jobs


StoreDep = Annotated[Store, Depends(get_store)]
JobsDep = Annotated[JobManager, Depends(get_jobs)]


def find_workflow(store: Store, workflow_id: UUID) -> WorkflowRow:
    """The workflow, or a 404."""
    wf = store.get_workflow(str(workflow_id))
    if wf is None:
        raise ApiError(404, f"Workflow {workflow_id} not found.")
    return wf


def find_job(store: Store, job_id: UUID) -> JobRow:
    """The job, or a 404."""
    job = store.get_job(str(job_id))
    if job is None:
        raise ApiError(404, f"Job {job_id} not found.")
    return job


def workflow_in_path(workflow_id: UUID, store: StoreDep) -> WorkflowRow:
    return find_workflow(store, workflow_id)


def job_in_path(job_id: UUID, store: StoreDep) -> JobRow:
    return find_job(store, job_id)


# Dependencies run before FastAPI validates a handler's own query and body parameters: a
# handler with more parameters than the id calls find_workflow/find_job itself, so that a
# malformed request is a 422 whether or not the id exists, as before.
WorkflowDep = Annotated[WorkflowRow, Depends(workflow_in_path)]
JobDep = Annotated[JobRow, Depends(job_in_path)]
