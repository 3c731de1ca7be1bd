"""unstructured_nb: run Unstructured document-processing workflows from a notebook.

Importing the package is cheap: the client (httpx), runs, pandas, the panel and the
page viewer (ipywidgets, anywidget, pypdfium2) load on first use. ``%load_ext unstructured_nb`` registers the magics.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    InputFileError,
    JobAlreadyRunningError,
    JobNotCompletedError,
    LocalEngineError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnstructuredError,
    UsageError,
    ValidationError,
    WaitInterrupted,
    WaitTimeoutError,
    WorkflowLookupError,
)
from .version import __version__

# name -> module that defines it; imported on first attribute access (the models' dataclasses
# cost a few ms to build, which %load_ext does not need)
_LAZY = {
    "Client": "client",
    "AsyncClient": "client",
    "Run": "runs",
    "BatchRun": "runs",
    "OnDemandLimits": "runs",
    "PLATFORM_LIMITS": "runs",
    "run": "runs",
    "attach": "runs",
    "panel": "notebook.panel",
    "login": "notebook.login",
    "logout": "notebook.login",
    "Panel": "notebook.panel",
    "view": "notebook.viewer",
    "Viewer": "notebook.viewer",
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
    "PLATFORM_LIMITS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "BatchRun",
    "Client",
    "ConfigurationError",
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
    "OnDemandLimits",
    "Panel",
    "RateLimitError",
    "Run",
    "ServerError",
    "UnstructuredError",
    "UsageError",
    "ValidationError",
    "Viewer",
    "WaitInterrupted",
    "WaitTimeoutError",
    "Workflow",
    "WorkflowLookupError",
    "WorkflowNode",
    "__version__",
    "attach",
    "load_ipython_extension",
    "login",
    "logout",
    "panel",
    "run",
    "unload_ipython_extension",
    "view",
]

if TYPE_CHECKING:  # pragma: no cover
    from .client import AsyncClient, Client
    from .models import FailedFile, Job, JobDetails, JobProcessingStatus, JobStatus, NodeFile, NodeStats, Workflow, WorkflowNode
    from .notebook.login import login, logout
    from .notebook.panel import Panel, panel
    from .notebook.viewer import Viewer, view
    from .runs import PLATFORM_LIMITS, BatchRun, OnDemandLimits, Run, attach
    from .runs.start import run


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unstructured_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext unstructured_nb``: register the magics, and the live display of runs."""
    from .notebook import magics

    magics.load_ipython_extension(ipython)
    _display_runs_live(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .notebook import magics

    magics.unload_ipython_extension(ipython)


def _display_run(run: Any) -> None:
    from .notebook import live

    live.display_run(run)


def _display_runs_live(shell: Any) -> None:
    """In IPython, a ``Run`` left as a cell's value shows its live table (looked up by name: nothing is imported now)."""
    if shell is not None:
        formatter = shell.display_formatter.ipython_display_formatter
        formatter.for_type_by_name("unstructured_nb.runs.run", "Run", _display_run)
        formatter.for_type_by_name("unstructured_nb.runs.batch", "BatchRun", _display_run)


if "IPython" in sys.modules:  # imported inside IPython: runs display live even without %load_ext
    _display_runs_live(sys.modules["IPython"].get_ipython())
