"""The local engine's limits: upload sizes and counts, and what one file may cost a worker (time, memory, unzipped bytes)."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = [
    "DEFAULT_FILE_TIMEOUT",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DEFAULT_WORKER_MEMORY_MB",
    "DRAIN_LIMIT",
    "ENV_FILE_TIMEOUT",
    "ENV_WORKER_MEMORY_MB",
    "MAX_FIELDS",
    "MAX_FIELDS_TOTAL_BYTES",
    "MAX_FIELD_BYTES",
    "MAX_FILES",
    "MAX_JSON_BYTES",
    "WorkerLimits",
]

#: Seconds one file may take in a worker before it is stopped (``--file-timeout``).
DEFAULT_FILE_TIMEOUT = 300.0
#: Address space of one worker process, in MB (``--worker-memory-mb``; RLIMIT_AS).
DEFAULT_WORKER_MEMORY_MB = 2048
ENV_FILE_TIMEOUT = "UNSTRUCTURED_NB_FILE_TIMEOUT"
ENV_WORKER_MEMORY_MB = "UNSTRUCTURED_NB_WORKER_MEMORY_MB"


@dataclass(frozen=True)
class WorkerLimits:
    """What one file may cost: ``file_timeout`` seconds and ``memory_mb`` of address space (0 turns a limit off)."""

    file_timeout: float = DEFAULT_FILE_TIMEOUT
    memory_mb: int = DEFAULT_WORKER_MEMORY_MB

    @classmethod
    def from_env(cls) -> WorkerLimits:
        """The defaults, or ``$UNSTRUCTURED_NB_FILE_TIMEOUT`` / ``$UNSTRUCTURED_NB_WORKER_MEMORY_MB`` (auto-started engine)."""
        return cls(
            file_timeout=_number(ENV_FILE_TIMEOUT, DEFAULT_FILE_TIMEOUT),
            memory_mb=int(_number(ENV_WORKER_MEMORY_MB, DEFAULT_WORKER_MEMORY_MB)),
        )


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value >= 0 else default


#: Largest accepted file by default (``serve(max_upload_bytes=...)``, ``--max-upload-mb``).
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: Files in one run (one multipart body).
MAX_FILES = 1000
#: Non-file form fields (``request_data``) are small JSON.
MAX_FIELD_BYTES = 1024 * 1024
#: Non-file form fields in one body, and their bytes together.
MAX_FIELDS = 32
MAX_FIELDS_TOTAL_BYTES = 2 * 1024 * 1024
#: A JSON (or any non-multipart) request body: workflows and settings are small.
MAX_JSON_BYTES = 1024 * 1024
#: After a 413 the rest of the body is read (and dropped), at most this much, so the client sees the answer.
DRAIN_LIMIT = 4 * 1024**3
