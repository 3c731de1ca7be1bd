"""Planning files into on-demand jobs under the platform's limits (``quotas``: data, configurable).

A run takes any :class:`OnDemandLimits` (``limits=``), so a class with another quota, a
test with small limits, or a newer platform needs no code change. :func:`plan_jobs` splits
files into jobs that fit, and refuses a file over the per-file limit before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputFileError
from ..quotas import PLATFORM_LIMITS, OnDemandLimits
from ..render.style import format_size
from .inputs import InputFile

__all__ = ["PLATFORM_LIMITS", "OnDemandLimits", "plan_jobs"]


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
