"""The local engine's size limits: per uploaded file (the default), files per run, form fields, draining after a 413."""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "DRAIN_LIMIT", "MAX_FIELD_BYTES", "MAX_FILES"]

#: Largest accepted file by default (``serve(max_upload_bytes=...)``, ``--max-upload-mb``).
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
#: Files in one run (one multipart body).
MAX_FILES = 1000
#: Non-file form fields (``request_data``) are small JSON.
MAX_FIELD_BYTES = 1024 * 1024
#: After a 413 the rest of the body is read (and dropped), at most this much, so the client sees the answer.
DRAIN_LIMIT = 4 * 1024**3
