"""The platform's limits on on-demand jobs, as data: files per job, bytes per file, launch spacing, jobs running.

Shared by the front end, which plans and launches jobs under them (``runs.limits``,
``runs.launcher``), and the local engine, which enforces the same ones on ``POST /jobs/``
so the behaviour can be tested offline. :data:`PLATFORM_LIMITS` are the documented ones
(WORKFLOW_API.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PLATFORM_LIMITS", "OnDemandLimits"]


@dataclass(frozen=True)
class OnDemandLimits:
    """How on-demand jobs may be launched.

    ``files_per_job``: most input files in one job; ``bytes_per_file``: largest file;
    ``launch_interval``: least seconds between two launches (per API URL, across runs);
    ``max_running``: most jobs SCHEDULED or IN_PROGRESS at once (per API URL, across runs).
    """

    files_per_job: int = 10
    bytes_per_file: int = 10 * 1000 * 1000
    launch_interval: float = 1.0
    max_running: int = 5

    def __post_init__(self) -> None:
        if self.files_per_job < 1 or self.max_running < 1 or self.bytes_per_file < 1:
            raise ValueError("files_per_job, bytes_per_file and max_running must be at least 1")
        if self.launch_interval < 0:
            raise ValueError("launch_interval must not be negative")


#: The Unstructured Platform's documented limits: 10 files per job, 10 MB per file, 1 s between launches, 5 jobs running.
PLATFORM_LIMITS = OnDemandLimits()
