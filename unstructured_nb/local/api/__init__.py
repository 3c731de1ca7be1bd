"""The local engine's HTTP API: the Unstructured Platform's workflow and job endpoints, on FastAPI.

Paths, status codes and bodies follow the platform (``WORKFLOW_API.md``); the official
``unstructured-client`` SDK parses every answer. Notable choices:

- Collections answer with and without a trailing slash (the SDK sends ``/jobs/``, the
  docs write ``/jobs``): both are registered, since a 307 redirect would not be
  followed by most clients.
- Ids are UUIDs; a malformed one is a 422 ``{"detail": [{"loc", "msg", "type"}]}``
  exactly as FastAPI (and the platform) produce it.
- Concurrent jobs of one workflow are ALLOWED. The platform refuses a run while a job
  of the workflow is active ("There is a running job ..."), because its connector
  workflows re-read a whole source; here every run carries its own uploaded files, so
  two runs never overlap and a notebook that submits many runs in a loop just queues
  them (the worker pool serves files round-robin between jobs, so a small run is not
  stuck behind a big one).
- Cancel answers 200 ``{"id", "status", "message"}`` also for a job that already
  finished (nothing to do), so a late Cancel click is never an error.
- Uploads stream to disk (python-multipart), up to a per-file limit (413 above it).
- 5xx bodies carry ``"retryable": false`` so the SDK's retry loop does not start
  duplicate jobs after an internal error.
- Handlers that touch SQLite or files are plain ``def`` (FastAPI runs them in its
  threadpool); the upload handlers are ``async`` for the streamed body and hand every
  blocking step to the threadpool.

One router per resource (:mod:`.workflows`, :mod:`.jobs`, :mod:`.templates`,
:mod:`.health`), assembled by :func:`.app.create_app`; :mod:`.deps` looks rows up (404s
are raised, never returned), :mod:`.errors` shapes every error body, :mod:`.platform_json`
turns store rows into the platform's JSON, and :mod:`.upload_receiver` and
:mod:`.job_upload` turn a streamed multipart body into a queued job.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
