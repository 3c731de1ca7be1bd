"""The worker protocol: the typed messages the engine and a worker process exchange over their pipe.

The engine sends a :class:`FileTask` (``None`` tells the worker to exit); the worker answers
with progress (:class:`NodeStarted`, :class:`NodeFinished`) and then one outcome
(:class:`Succeeded` or :class:`Failed`). :class:`Killed` never crosses the pipe: the pool
reports it when a cancel or a shutdown killed the worker busy with the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "OUT_OF_MEMORY_EXIT",
    "Failed",
    "FileTask",
    "Killed",
    "NodeFinished",
    "NodeStarted",
    "Outcome",
    "Progress",
    "Succeeded",
    "WorkerReply",
    "memory_message",
]


@dataclass(frozen=True)
class FileTask:
    """One file of one job: what the pool queues and a worker runs."""

    job_id: str
    file_id: str
    input_path: Path  # the uploaded bytes (their on-disk name is not meaningful)
    output_dir: Path  # node i writes ``<output_dir>/<i>.json``
    filename: str  # the name the client sent: gives the type and the elements' metadata
    nodes: list[dict[str, Any]] = field(repr=False)
    file_delay: float = 0.0  # the demo/testing knob: the file takes at least this many seconds
    last_modified: str | None = None


@dataclass(frozen=True)
class NodeStarted:
    """The worker started node ``node_index`` on the file."""

    node_index: int


@dataclass(frozen=True)
class NodeFinished:
    """Node ``node_index`` wrote its ``elements`` elements."""

    node_index: int
    elements: int


@dataclass(frozen=True)
class Succeeded:
    """Every node ran; ``warnings`` go to the job's details."""

    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """Node ``node_index`` failed with ``error`` (a sentence for the job's failed-files list)."""

    node_index: int
    error: str
    warnings: tuple[str, ...] = ()
    worker_exits: bool = False  # the worker exits after sending this (out of memory): the pool starts a fresh one


@dataclass(frozen=True)
class Killed:
    """The worker busy with the file was killed (a cancel, or the engine shutting down)."""


Progress = NodeStarted | NodeFinished
Outcome = Succeeded | Failed | Killed
WorkerReply = NodeStarted | NodeFinished | Succeeded | Failed


#: The exit status of a worker that ran out of its memory limit (the pool replaces it).
OUT_OF_MEMORY_EXIT = 3


def memory_message(memory_mb: int) -> str:
    return (
        f"This file needed more memory than the local engine allows one worker ({memory_mb} MB), so it was stopped; "
        "the other files go on. If the file is genuine, raise the limit: start the engine with --worker-memory-mb "
        "or set UNSTRUCTURED_NB_WORKER_MEMORY_MB (0 turns the limit off)."
    )
