"""The platform's limits on on-demand jobs, as data: files per job, bytes per file, launch spacing, jobs running.

:data:`PLATFORM_LIMITS` are the documented ones (WORKFLOW_API.md section 4). A run takes any
:class:`OnDemandLimits` (``limits=``), so a class with another quota, a test with small
limits, or a newer platform needs no code change. :func:`plan_jobs` splits files into jobs
that fit, and refuses a file over the per-file limit before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import InputFileError
from ..render.style import format_size
from .inputs import InputFile

__all__ = ["PLATFORM_LIMITS", "OnDemandLimits", "plan_jobs"]


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


def plan_jobs(files: Sequence[InputFile], limits: OnDemandLimits) -> list[tuple[InputFile, ...]]:
    """``files`` in order, cut into jobs of at most ``limits.files_per_job``.

    Raises :class:`InputFileError` naming every file over ``limits.bytes_per_file`` (nothing
    is sent): the platform would refuse the whole job for one of them.
    """
    too_big = [f for f in files if f.size is not None and f.size > limits.bytes_per_file]
    if too_big:
        shown = ", ".join(f"{f.shown or f.name} ({format_size(f.size)})" for f in too_big[:10])
        more = f" and {len(too_big) - 10} more" if len(too_big) > 10 else ""
        raise InputFileError(
            f"{len(too_big)} file{'s are' if len(too_big) != 1 else ' is'} over the on-demand limit of "
            f"{format_size(limits.bytes_per_file)} per file: {shown}{more}",
            hint="Nothing was sent. Split or compress them, or leave them out; a run with other limits takes "
            "limits=OnDemandLimits(bytes_per_file=...)",
        )
    size = limits.files_per_job
    return [tuple(files[i : i + size]) for i in range(0, len(files), size)]
