"""unstructured_nb: run Unstructured document-processing workflows from a notebook.

Importing the package is cheap: the client (httpx), tracking (pandas) and the panel
(ipywidgets) load on first use. ``%load_ext unstructured_nb`` registers the magics.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InputFileError,
    JobAlreadyRunningError,
    JobNotCompletedError,
    LocalEngineError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnstructuredError,
    ValidationError,
    WorkflowLookupError,
)

__version__ = "0.1.0"

# name -> module that defines it; imported on first attribute access (the models' dataclasses
# cost a few ms to build, which %load_ext does not need)
_LAZY = {
    "Client": "client",
    "AsyncClient": "client",
    "Run": "tracking",
    "run": "tracking",
    "panel": "widgets",
    "Panel": "widgets",
    **dict.fromkeys(
        (
            "Job",
            "JobStatus",
            "JobProcessingStatus",
            "JobDetails",
            "NodeFile",
            "NodeStats",
            "Workflow",
            "WorkflowNode",
            "FailedFile",
        ),
        "models",
    ),
}

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "Client",
    "FailedFile",
    "InputFileError",
    "Job",
    "JobAlreadyRunningError",
    "JobDetails",
    "JobNotCompletedError",
    "JobProcessingStatus",
    "JobStatus",
    "LocalEngineError",
    "NodeFile",
    "NodeStats",
    "NotFoundError",
    "Panel",
    "RateLimitError",
    "Run",
    "ServerError",
    "UnstructuredError",
    "ValidationError",
    "Workflow",
    "WorkflowLookupError",
    "WorkflowNode",
    "__version__",
    "load_ipython_extension",
    "panel",
    "run",
    "unload_ipython_extension",
]

if TYPE_CHECKING:  # pragma: no cover
    from .client import AsyncClient, Client
    from .models import FailedFile, Job, JobDetails, JobProcessingStatus, JobStatus, NodeFile, NodeStats, Workflow, WorkflowNode
    from .tracking import Run, run
    from .widgets import Panel, panel


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unstructured_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext unstructured_nb``: register ``%unstructured_run`` and ``%unstructured_jobs``."""
    from .magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unload_ipython_extension as _unload

    _unload(ipython)
